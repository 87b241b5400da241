"""Runs the web app under gunicorn, so `lgsearch serve` is fit for production use."""
from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, index_dir: Path, options: dict):
        self.index_dir = index_dir
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own app, and so its own searcher.
        from webui import create_app

        return create_app({"INDEX_DIR": str(self.index_dir)})


def serve(index_dir: Path, host: str, port: int, workers: int) -> None:
    print(f"Serving lgsearch on http://{host}:{port} (index: {index_dir})", flush=True)
    _Server(Path(index_dir).resolve(), {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "timeout": 60,
    }).run()
