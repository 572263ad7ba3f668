from django.contrib import admin

from .models import Article, Question


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "kind", "published", "is_demo", "updated_at")
    list_filter = ("topic", "kind", "published", "is_demo")
    search_fields = ("title", "body", "source")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Answering goes through the staff page (it tells the asker and writes the audit log): read only here."""

    list_display = ("asked_at", "center", "topic", "status", "text")
    list_filter = ("status", "topic", "center")
    search_fields = ("text", "answer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
