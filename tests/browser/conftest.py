from sanxiang.testing.browser import chromium, output_dir, page  # noqa: F401
