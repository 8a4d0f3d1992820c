"""digest: a static news-digest site generator.

The pipeline is ``input pages --ingest--> content/*.md --load--> Site --render--> site/``.
"""

__version__ = "0.1.0"
