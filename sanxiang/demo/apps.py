from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set `make run` loads: a fictional province, made through the services."""

    name = "sanxiang.demo"
    label = "demo"
    verbose_name = "演示数据"
