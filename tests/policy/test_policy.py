"""Policy consultation: anyone finds answers by typing a question in Chinese; workers and employers ask the
center, online or at its counter; the center's staff answer, the asker is told, and an answer can become a
public FAQ without the asker's name."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from demo.policy import ARTICLES, load_policy_articles
from jobs.exceptions import Conflict
from notifications.models import Kind, Notification
from policy import services
from policy.models import Article, Question, Topic
from policy.selectors import questions_for, search_articles
from tests.factories import CenterStaffFactory, CityAdminFactory, EmployerFactory, ServiceCenterFactory, WorkerFactory
from tests.helpers import field_errors, listed, refused_on_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    load_policy_articles()
    return {article.title: article for article in Article.objects.all()}


@pytest.mark.parametrize(("typed", "topic"), [
    ("社保怎么交", Topic.SOCIAL_INSURANCE),  # 社保 is how people say 社会保险
    ("欠薪怎么办", Topic.WAGE_PROTECTION),
    ("工钱 拖欠", Topic.WAGE_PROTECTION),
    ("培训补贴", Topic.TRAINING_SUBSIDY),
    ("受伤", Topic.INJURY_PROTECTION),
])
def test_a_question_typed_in_everyday_chinese_finds_answers_on_its_topic_first(articles, typed, topic):
    found = search_articles(typed)
    assert found and found[0].topic == topic


@pytest.mark.parametrize(("typed", "expected"), [
    ("灵活就业 养老保险", "灵活就业人员怎样参加养老保险和医疗保险"),
    ("被拖欠工资", "干完活被拖欠工资怎么办"),
    ("ｍｉｎｉｍｕｍ 最低工资", "按小时干零活，工资最低不能低于多少？"),  # full-width letters are read as plain
])
def test_the_article_that_says_it_comes_first(articles, typed, expected):
    assert search_articles(typed)[0].title == expected


def test_a_search_for_something_unrelated_finds_nothing(articles):
    assert search_articles("挖掘机驾驶证年审") == []


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_two_or_more_characters_of_a_title_find_that_article(data):
    title = data.draw(st.sampled_from([row[2] for row in ARTICLES]))
    start = data.draw(st.integers(0, len(title) - 2))
    end = data.draw(st.integers(start + 2, len(title)))
    load_policy_articles()
    assert title in [article.title for article in search_articles(title[start:end])]


def test_a_worker_asks_online_the_home_center_answers_and_the_worker_is_told(articles):
    home = ServiceCenterFactory(name="王益区零工服务中心")
    ServiceCenterFactory(name="宜君县零工服务中心", latitude=35.3986, longitude=109.1169)
    worker = WorkerFactory()
    question = services.ask_question(actor=worker.user, text="我在外地打零工，社保能在铜川交吗？",
                                     topic=Topic.SOCIAL_INSURANCE)
    assert question.center == home and question.status == Question.Status.OPEN
    clerk = CenterStaffFactory(center=home).user
    assert list(questions_for(clerk)) == [question]

    services.answer_question(question, actor=clerk, answer="可以，在就业地参保。", publish=True)  # NFKC: ， → ,
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.answered_by == clerk
    told = Notification.objects.get(user=worker.user)
    assert told.kind == Kind.ANSWER and told.payload["question"] == question.pk
    faq = question.published_as
    assert faq.kind == Article.Kind.FAQ and faq.published and faq.body == "可以,在就业地参保。"
    assert worker.display_name not in faq.title + faq.body + faq.source
    assert AuditEntry.objects.get().action == "policy_question_answered"


def test_staff_may_correct_an_answer_but_an_answered_question_is_not_put_back_in_the_queue(articles):
    home = ServiceCenterFactory()
    worker = WorkerFactory()
    question = services.ask_question(actor=worker.user, text="工伤保险怎么交？", center=home)
    clerk = CenterStaffFactory(center=home).user
    services.answer_question(question, actor=clerk, answer="先去人社局窗口问。")
    corrected = services.answer_question(question, actor=clerk, answer="在就业地的社保经办机构办理。")
    assert corrected.status == Question.Status.ANSWERED and corrected.answer == "在就业地的社保经办机构办理。"
    refused_on_save(Question, question.pk, Question.Status.OPEN)
    assert Question.objects.get(pk=question.pk).status == Question.Status.ANSWERED


def test_staff_of_another_center_cannot_answer_and_nobody_else_reads_the_question(articles):
    home, elsewhere = ServiceCenterFactory(), ServiceCenterFactory(name="印台区零工服务中心")
    worker, other = WorkerFactory(), WorkerFactory()
    question = services.ask_question(actor=worker.user, text="培训补贴怎么领？", center=home)
    with pytest.raises(PermissionDenied):
        services.answer_question(question, actor=CenterStaffFactory(center=elsewhere).user, answer="……")
    assert list(questions_for(other.user)) == []
    assert list(questions_for(CenterStaffFactory(center=elsewhere).user)) == []
    assert list(questions_for(CityAdminFactory())) == [question]
    assert Question.objects.get().status == Question.Status.OPEN


def test_staff_write_down_a_walk_ins_question_at_their_own_counter_only(articles):
    counter, elsewhere = ServiceCenterFactory(), ServiceCenterFactory(name="宜君县零工服务中心")
    clerk, walk_in = CenterStaffFactory(center=counter).user, WorkerFactory()
    question = services.ask_question(actor=clerk, on_behalf_of=walk_in.user, center=counter,
                                     text="老板不给工钱，能找谁？", topic=Topic.WAGE_PROTECTION)
    assert question.asker == walk_in.user and question.taken_at_counter_by == clerk
    assert AuditEntry.objects.get().action == "policy_question_taken"
    with pytest.raises(PermissionDenied):
        services.ask_question(actor=clerk, on_behalf_of=walk_in.user, center=elsewhere, text="老板不给工钱")
    with pytest.raises(PermissionDenied):
        services.ask_question(actor=clerk, text="我自己问一个问题")  # staff answer; they ask for walk-ins


@pytest.mark.parametrize(("text", "field"), [("？", "text"), ("问" * 2001, "text")])
def test_an_empty_or_huge_question_is_refused_by_field(articles, text, field):
    ServiceCenterFactory()
    with pytest.raises(ValidationError) as refused:
        services.ask_question(actor=WorkerFactory().user, text=text)
    assert field in refused.value.message_dict
    assert not Question.objects.exists()


def test_nobody_floods_a_centers_queue(articles):
    ServiceCenterFactory()
    employer = EmployerFactory().owner
    for n in range(services.MAX_OPEN_QUESTIONS):
        services.ask_question(actor=employer, text=f"第{n}个问题：招零工要交什么税？")
    with pytest.raises(Conflict):
        services.ask_question(actor=employer, text="再问一个问题好吗")


def test_the_api_searches_articles_for_anyone_and_takes_questions_from_a_logged_in_worker(articles, client):
    ServiceCenterFactory()
    found = client.get("/api/policy/articles/", {"q": "欠薪"})
    assert found.status_code == 200 and found.json()["results"][0]["title"] == "干完活被拖欠工资怎么办"
    assert client.get("/api/policy/articles/", {"topic": "astrology"}).status_code == 400
    assert client.post("/api/policy/questions/", {"text": "社保怎么交"}, content_type="application/json"
                       ).status_code in (401, 403)
    worker = WorkerFactory()
    client.force_login(worker.user)
    asked = client.post("/api/policy/questions/", {"text": "社保怎么交", "topic": "social_insurance"},
                        content_type="application/json")
    assert asked.status_code == 201 and asked.json()["status"] == "open"
    bad = client.post("/api/policy/questions/", {"text": "社保怎么交", "topic": "gossip"},
                      content_type="application/json")
    assert "topic" in field_errors(bad)
    assert [row["text"] for row in listed(client.get("/api/policy/questions/"))] == ["社保怎么交"]


def test_the_pages_search_ask_and_answer(articles, client):
    center = ServiceCenterFactory()
    page = client.get("/policy/", {"q": "社保"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "灵活就业人员怎样参加养老保险和医疗保险" in page.content.decode()
    worker = WorkerFactory()
    client.force_login(worker.user)
    refused = client.post("/policy/ask/", {"topic": "other", "text": "？"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "at least 4 characters" in refused.content.decode()
    assert client.post("/policy/ask/", {"topic": "other", "text": "没有手机能登记吗"}).status_code == 302
    question = Question.objects.get()
    client.force_login(CenterStaffFactory(center=center).user)
    queue = client.get("/staff/questions/").content.decode()
    assert f'data-testid="question-{question.pk}"' in queue
    answered = client.post(f"/staff/questions/{question.pk}/answer/", {f"q{question.pk}-answer": "可以，带身份证来。"})
    assert answered.status_code == 302
    client.force_login(worker.user)
    assert "可以,带身份证来。" in client.get("/policy/questions/").content.decode()  # as typed, NFKC
