"""REST API of the enterprises app: serializers and viewsets (registered in chainleader/api_urls.py)."""
