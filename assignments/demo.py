"""Whether invented demo data is loaded (every page says so while it is)."""

from .models import Decision


def demo_data_loaded():
    return Decision.objects.filter(is_demo=True).exists()
