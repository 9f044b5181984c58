"""REST API of the chains app: serializers and viewsets (registered in chainleader/api_urls.py)."""
