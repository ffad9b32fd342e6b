from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Catalog items and the path from each to its version (ADR 0065: an item is read with it).
ITEM_VERSION_PATHS = {
    "violationentry": "version",
    "discretionbenchmark": "entry__version",
    "majordecisionitem": "version",
    "documenttype": "version",
    "stagerule": "version",
    "legalbasis": "version",
    "legalarticle": "basis__version",
    "poweritem": "version",
    "randominspectionitem": "version",
    "procedureguide": "version",
    "remedyitem": "version",
    "retentionrule": "version",
}


class CatalogConfig(AppConfig):
    name = "sanxiang.catalog"
    label = "catalog"
    verbose_name = _("执法目录")

    def ready(self) -> None:
        from sanxiang.core.readable import register_readable

        from .selectors import versions_readable

        register_readable("catalog.catalogversion", versions_readable)
        for model_name, path in ITEM_VERSION_PATHS.items():
            model = self.get_model(model_name)
            register_readable(
                f"catalog.{model_name}",
                lambda user, model=model, path=path: model.objects.filter(
                    **{f"{path}__in": versions_readable(user).values("pk")}
                ),
            )
