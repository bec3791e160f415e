from .lifecycle import demo_data_loaded


def demo_notice(request):
    """Tell every page whether invented demo data is loaded, so it can say so.

    Asked once per request: django-tables2 renders a table with the context
    processors a second time.
    """
    if not hasattr(request, "_demo_data_loaded"):
        request._demo_data_loaded = demo_data_loaded()
    return {"demo_data_loaded": request._demo_data_loaded}
