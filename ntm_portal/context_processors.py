from assignments.demo import demo_data_loaded


def demo_notice(request):
    """Tell every page whether invented demo data is loaded, so it can say so."""
    return {"demo_data_loaded": demo_data_loaded()}
