"""REST API of the parks app: serializers and viewsets (registered in chainleader/api_urls.py)."""
