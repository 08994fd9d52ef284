"""«Мониторинг активности участников сетевого взаимодействия»: the справка of a period.

The figures come from services.monitoring_data; this module only says them: the headline
figures (the report's version key), the tables by municipality and by organisation, two
charts and the conclusions with the counts in words.
"""

from __future__ import annotations

from datetime import date

from adapters.number_words import counted, percent, them, with_words
from adapters.russian import date_long, plural
from services import report_period
from services.monitoring_data import Activity, MonitoringData, compute
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx
from services.webinar_report_data import NO_ORG

TITLE = ("Аналитическая справка по итогам мониторинга активности участников сетевого "
         "взаимодействия")
DOCX_TOP = 20  # organisations shown in the .docx; all of them are in the .xlsx
FIGURE_LABELS = {
    "organisations": "Организаций в мониторинге",
    "active_organisations": "Из них активных",
    "municipalities": "Муниципалитетов",
    "agreements_signed": "Заключено договоров",
    "agreements_in_force": "Действует договоров на конец периода",
    "sessions": "Вебинаров запланировано (с отменёнными)",
    "sessions_held": "Вебинаров состоялось",
    "invitations": "Приглашений на вебинары",
    "registrations": "Регистраций на вебинары",
    "attendances": "Участий в вебинарах",
    "attendance_rate": "Доля участия",
    "applications": "Заявок на конкурсы",
    "winners": "Победителей конкурсов",
    "laureates": "Лауреатов конкурсов",
    "contest_participants": "Участников конкурсов",
    "consultations": "Консультаций проведено",
}
SOURCES = [
    "реестр договоров о сетевом взаимодействии",
    "рассылка приглашений, регистрации и отметки участия в методических вебинарах",
    "заявки на конкурсы и их итоги",
    "журнал консультаций по запросам участников",
]


def build(tx: Tx, start: date, end: date, subject: str = "") -> ReportContent:
    data = compute(tx.session, start, end)
    return ReportContent(figures=figures(data), note=note(data))


def figures(data: MonitoringData) -> dict:
    t = data.total
    return {
        "organisations": data.listed,
        "active_organisations": data.active,
        "municipalities": sum(1 for m in data.municipalities if m.name != NO_ORG),
        "agreements_signed": t.agreements_signed,
        "agreements_in_force": t.in_force,
        "sessions": data.sessions,
        "sessions_held": data.sessions_held,
        "invitations": t.webinars.invited,
        "registrations": t.webinars.registered,
        "attendances": t.webinars.attended,
        "attendance_rate": t.attendance_share,
        "applications": t.applications,
        "winners": t.winners,
        "laureates": t.laureates,
        "contest_participants": t.contest_participants,
        "consultations": t.consultations,
    }


def note(data: MonitoringData) -> Note:
    name = report_period.name(data.start, data.end)
    return Note(
        title=TITLE,
        subtitle=f"за {name}" if name else "",
        period_start=data.start, period_end=data.end,
        goal="оценка активности участников сетевого взаимодействия (образовательных "
             "организаций и организаций-партнёров) в мероприятиях инновационной площадки: "
             "заключении договоров о сетевом взаимодействии, методических вебинарах, конкурсах "
             "и консультациях.",
        sources=SOURCES,
        sections=[_overview(data), _webinars(data), _contests(data), _consultations(data),
                  _organisations(data)],
        conclusions=conclusions(data))


def _share(value: float | None):
    return "—" if value is None else value


def _overview(data: MonitoringData) -> Section:
    t = data.total
    rows = [[m.name, m.organisations, m.active, m.activity.agreements_signed,
             m.activity.in_force, m.activity.webinars.attended, m.activity.applications,
             m.activity.consultations] for m in data.municipalities]
    total = ["Итого", data.listed, data.active, t.agreements_signed, t.in_force,
             t.webinars.attended, t.applications, t.consultations]
    return Section(
        "Общие показатели активности",
        [f"В таблице 1 приведены показатели по муниципалитетам за период "
         f"{report_period.text(data.start, data.end)} (организацией, проявившей активность, "
         "считается участвовавшая хотя бы в одном вебинаре, подавшая заявку на конкурс или "
         "получившая консультацию)."],
        [Table("Участники сетевого взаимодействия по муниципалитетам",
               ["Муниципалитет", "Организаций", "Из них активных", "Заключено договоров",
                "Действует договоров", "Участий в вебинарах", "Заявок на конкурсы",
                "Консультаций"], rows, total, sheet="Муниципалитеты")],
        [Chart("Активность участников по видам мероприятий", "barh",
               ["Участия в вебинарах", "Заявки на конкурсы", "Консультации",
                "Заключённые договоры"],
               {"Количество": [t.webinars.attended, t.applications, t.consultations,
                               t.agreements_signed]})])


def _webinars(data: MonitoringData) -> Section:
    def cells(a: Activity) -> list:
        w = a.webinars
        return [w.invited, w.registered, w.attended, w.no_show, _share(a.attendance_share)]

    municipalities = data.municipalities
    return Section(
        "Участие в методических вебинарах",
        [f"В периоде {plural(data.sessions, 'запланирован', 'запланировано', 'запланировано')} "
         f"{counted(data.sessions, 'вебинар', 'вебинара', 'вебинаров')}, "
         f"состоялось — {with_words(data.sessions_held)}, отменено — "
         f"{with_words(data.sessions_cancelled)}. Доля участия — отношение числа участий к "
         "числу регистраций на состоявшиеся вебинары."] if data.sessions else [],
        [Table("Участие в методических вебинарах по муниципалитетам",
               ["Муниципалитет", "Приглашений", "Регистраций", "Участий", "Неявок",
                "Доля участия"],
               [[m.name, *cells(m.activity)] for m in municipalities] if data.sessions else [],
               ["Итого", *cells(data.total)], percent_columns=(5,), sheet="Вебинары",
               empty_text="Методические вебинары в периоде не планировались.")],
        [Chart("Регистрации и участие в вебинарах по муниципалитетам", "bar",
               [m.name for m in municipalities],
               {"Регистраций": [m.activity.webinars.registered for m in municipalities],
                "Участий": [m.activity.webinars.attended for m in municipalities]},
               ylabel="человеко-вебинаров")])


def _contests(data: MonitoringData) -> Section:
    def cells(a: Activity) -> list:
        return [a.applications, a.winners, a.laureates, a.contest_participants]

    return Section(
        "Участие в конкурсах",
        ["Учтены заявки, поданные в периоде; итоги — по решениям жюри на дату справки."],
        [Table("Заявки на конкурсы и их итоги по муниципалитетам",
               ["Муниципалитет", "Заявок", "Победителей", "Лауреатов", "Участников"],
               [[m.name, *cells(m.activity)] for m in data.municipalities]
               if data.total.applications else [],
               ["Итого", *cells(data.total)], sheet="Конкурсы",
               empty_text="Заявок на конкурсы в периоде не поступало.")])


def _consultations(data: MonitoringData) -> Section:
    forms = sorted(data.consultation_forms.items())
    return Section(
        "Консультации",
        ["Учтены консультации, проведённые в периоде по запросам участников."],
        [Table("Консультации по формам проведения", ["Форма проведения", "Консультаций"],
               [[form, n] for form, n in forms], ["Итого", data.total.consultations],
               sheet="Консультации",
               empty_text="Консультации по запросам участников в периоде не проводились.")])


def _organisations(data: MonitoringData) -> Section:
    rows, number = [], 0
    for r in data.organisations:
        a, w = r.activity, r.activity.webinars
        number += r.org_id is not None  # «Без организации» is not an organisation: no number
        rows.append([number if r.org_id is not None else "", r.name, r.municipality,
                     "да" if a.in_force else "нет", a.agreements_signed, w.invited,
                     w.registered, w.attended, _share(a.attendance_share), a.applications,
                     a.winners, a.laureates, a.contest_participants, a.consultations, a.events])
    order = ("Организации расположены по убыванию числа мероприятий (участий в вебинарах, "
             "заявок на конкурсы и консультаций); не проявившие активности — в конце.")
    if len(rows) > DOCX_TOP:
        order += (f" В справке показаны первые {DOCX_TOP} строк из {len(rows)}; полный "
                  "перечень — в приложении (.xlsx).")
    return Section(
        "Активность организаций", [order],
        [Table("Активность организаций — участников сетевого взаимодействия",
               ["№", "Организация", "Муниципалитет", "Договор действует", "Заключено договоров",
                "Приглашений", "Регистраций", "Участий в вебинарах", "Доля участия",
                "Заявок на конкурсы", "Победитель", "Лауреат", "Участник конкурса",
                "Консультаций", "Всего мероприятий"], rows,
               percent_columns=(8,), sheet="Организации",
               docx_columns=(0, 1, 2, 3, 7, 9, 13, 14), docx_rows=DOCX_TOP,
               empty_text="В реестре нет организаций — участников сетевого взаимодействия.")])


def _orgs(n: int) -> str:
    return counted(n, "организация", "организации", "организаций", "f")


PASSIVE_NAMED = 10  # up to this many organisations without activity are named


def conclusions(data: MonitoringData) -> list[str]:
    t, listed, active = data.total, data.listed, data.active
    municipalities = sum(1 for m in data.municipalities if m.name != NO_ORG)
    out = [_coverage(listed, municipalities, active), _agreements_said(t, data.end),
           _webinars_said(data)]
    out.append("Заявок на конкурсы в периоде не поступало." if not t.applications else
               f"На конкурсы {plural(t.applications, 'подана', 'поданы', 'подано')} "
               f"{counted(t.applications, 'заявка', 'заявки', 'заявок', 'f')}; победителей — "
               f"{with_words(t.winners)}, лауреатов — {with_words(t.laureates)}, участников — "
               f"{with_words(t.contest_participants)}.")
    out.append("Консультации по запросам участников в периоде не проводились."
               if not t.consultations else
               f"{plural(t.consultations, 'Проведена', 'Проведены', 'Проведено')} "
               f"{counted(t.consultations, 'консультация', 'консультации', 'консультаций', 'f')} "
               "по запросам участников.")
    leaders = [r for r in data.organisations if r.org_id and r.activity.active][:3]
    if leaders:
        out.append("Наиболее активны: " + "; ".join(
            f"{r.name} ({r.municipality}) — {r.activity.events} "
            f"{plural(r.activity.events, 'мероприятие', 'мероприятия', 'мероприятий')}"
            for r in leaders) + ".")
    passive = [r for r in data.organisations if r.org_id and not r.activity.active]
    if passive:
        n = len(passive)
        names = ": " + "; ".join(f"{r.name} ({r.municipality})" for r in passive) \
            if n <= PASSIVE_NAMED else " (перечень — в таблице «Активность организаций»)"
        out.append(f"Не {plural(n, 'проявила', 'проявили', 'проявили')} активности "
                   f"{_orgs(n)}{names}. Рекомендуется адресно пригласить {them(n, 'f')} "
                   "к участию в мероприятиях площадки.")
    return out


def _coverage(listed: int, municipalities: int, active: int) -> str:
    if not listed:
        return "В реестре нет организаций — участников сетевого взаимодействия."
    where = counted(municipalities, "муниципалитет", "муниципалитета", "муниципалитетов")
    if not active:
        did = "ни одна из них не проявила активности."
    else:
        did = (f"активность {plural(active, 'проявила', 'проявили', 'проявили')} "
               f"{with_words(active, 'f')}, или {percent(active / listed)}.")
    they = "она представляет" if listed == 1 else "они представляют"
    return (f"В мониторинге {plural(listed, 'участвовала', 'участвовали', 'участвовали')} "
            f"{_orgs(listed)}, {they} {where}; {did}")


def _agreements_said(t: Activity, end: date) -> str:
    signed = ("новых договоров о сетевом взаимодействии не заключалось" if not t.agreements_signed
              else f"{plural(t.agreements_signed, 'заключён', 'заключено', 'заключено')} "
                   f"{counted(t.agreements_signed, 'договор', 'договора', 'договоров')} о сетевом "
                   "взаимодействии")
    in_force = ("действующих договоров нет" if not t.in_force else
                f"действует {counted(t.in_force, 'договор', 'договора', 'договоров')}")
    return f"За период {signed}; на {date_long(end)} {in_force}."


def _webinars_said(data: MonitoringData) -> str:
    if not data.sessions:
        return "Методические вебинары в периоде не планировались."
    w, rate, held = data.total.webinars, data.total.attendance_share, data.sessions_held
    return (f"{plural(held, 'Состоялся', 'Состоялись', 'Состоялось')} "
            f"{counted(held, 'вебинар', 'вебинара', 'вебинаров')} из запланированных "
            f"{data.sessions}; {plural(w.invited, 'направлено', 'направлены', 'направлено')} "
            f"{counted(w.invited, 'приглашение', 'приглашения', 'приглашений', 'n')}, "
            f"{plural(w.registered, 'принята', 'приняты', 'принято')} "
            f"{counted(w.registered, 'регистрация', 'регистрации', 'регистраций', 'f')}, "
            f"{plural(w.attended, 'отмечено', 'отмечены', 'отмечено')} "
            f"{counted(w.attended, 'участие', 'участия', 'участий', 'n')}"
            + (f"; доля участия — {percent(rate)}." if rate is not None else "."))
