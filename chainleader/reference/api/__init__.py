"""REST API of the reference app: serializers and viewsets (registered in chainleader/api_urls.py)."""
