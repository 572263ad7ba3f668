"""Policy consultation over the API: public articles and their search; questions asked and answered."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from policy import services
from policy.models import Article, Question, Topic
from policy.selectors import published_articles, questions_for, search_articles

from .exceptions import errors
from .idempotency import idempotent
from .pagination import ListPage

SEARCH_RESULTS = 50


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ("id", "topic", "kind", "title", "body", "source", "is_demo", "updated_at")


class ArticleQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, allow_blank=True,
                              help_text="Words in Chinese (or English); the best matches come first.")
    topic = serializers.ChoiceField(choices=Topic.choices, required=False)


class QuestionSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)

    class Meta:
        model = Question
        fields = ("id", "topic", "text", "center", "center_name", "asked_at", "status", "answer", "answered_at",
                  "published_as")
        read_only_fields = ("center", "asked_at", "status", "answer", "answered_at", "published_as")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
    publish = serializers.BooleanField(required=False, default=False)


class ArticlePage(ListPage):
    """By topic, then title (the order the policy pages show). A search's best 50 come as one page, best first."""

    ordering = ("topic", "title", "id")

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, list):  # a search's scored matches: already cut to SEARCH_RESULTS
            self.base_url, self.has_next, self.has_previous = request.build_absolute_uri(), False, False
            return queryset
        return super().paginate_queryset(queryset, request, view)


@extend_schema(parameters=[ArticleQuerySerializer],
               responses={200: ArticleSerializer(many=True), **errors(400)})
class ArticleList(generics.ListAPIView):
    """Published policy articles and FAQ, in pages (`limit`: at most 200); with `q`, the best 50 matches, best
    first, as one page (no further pages)."""

    permission_classes = [AllowAny]
    serializer_class = ArticleSerializer
    pagination_class = ArticlePage

    def get_queryset(self):
        query = ArticleQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        words, topic = query.validated_data.get("q") or "", query.validated_data.get("topic")
        if words.strip():
            return list(search_articles(words, topic)[:SEARCH_RESULTS])
        return published_articles(topic)


@extend_schema(responses={200: ArticleSerializer, **errors(404)})
class ArticleDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ArticleSerializer
    queryset = published_articles()


class QuestionList(generics.ListCreateAPIView):
    """My questions (staff: their centers'; the city: all), newest first; POST asks one."""

    permission_classes = [IsAuthenticated]
    serializer_class = QuestionSerializer
    pagination_class = ListPage

    def get_queryset(self):
        return questions_for(self.request.user)

    @extend_schema(responses={201: QuestionSerializer, **errors(400, 401, 403, 409)})
    @idempotent
    def post(self, request, *args, **kwargs):
        body = QuestionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.ask_question(actor=request.user, text=body.validated_data["text"],
                                         topic=body.validated_data.get("topic", Topic.OTHER))
        return Response(QuestionSerializer(question).data, status=201)


class AnswerQuestion(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswerSerializer, responses={200: QuestionSerializer, **errors(400, 401, 403, 404)})
    def post(self, request, pk: int):
        question = get_object_or_404(questions_for(request.user), pk=pk)
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.answer_question(question, actor=request.user, **body.validated_data)
        return Response(QuestionSerializer(question).data)
