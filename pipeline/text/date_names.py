"""The words of dates, per language, as data: the one owner of these facts (``dates.py`` builds
its patterns from them; tests/test_dates.py checks every example).

Per language: the twelve months (each ``|``-separated: nominative, the inflected forms a date
uses, "5 марта", "12 lutego", "15 Μαρτίου", and the usual abbreviations), the weekday names a
date line may open with, the labels of a publication or update stamp ("Опубликовано:",
"Veröffentlicht am"), the prepositions a label takes before its date ("am", "le"), the words
written after a year ("2024 г.", "2024 r.") and before a time ("в 14:30", "um 14:30").
Accented names are also matched with their marks left out ("wrzesnia", "Μαρτιου", upper-case
Greek writes none), and matching ignores case (``MARCA``, ``KASIM``).

Numeric dates need no names: ISO "2024-03-05", day-first "14.03.2024" and "14. 3. 2024" with
dots (Europe's order; "03/04/2024" with slashes stays unparsed: the order is a guess),
year-first "2024.03.05" (Korea, Hungary) and the CJK "2024年3月5日", "2024년 3월 5일".

``examples``: a line and the ISO date ``dateline`` gives it (the line holds only a date and
maybe a time, or opens with a label), None for a date line whose date is not read ("03/04/2024":
no guess); ``keep``: lines that are no date line and give no date (a headline with a number and
a month, a label followed by no date).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DateWords:
    months: tuple[str, ...] = ()  # twelve "|"-separated lists of forms, January first
    weekdays: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # a publication or update stamp's opening words
    label_links: tuple[str, ...] = ()  # a preposition between the label and its date
    year_words: tuple[str, ...] = ()  # after the year: "г." ("2024 г."), "roku"
    time_words: tuple[str, ...] = ()  # before a time: "в", "um", "à"
    examples: tuple[tuple[str, str | None], ...] = ()
    keep: tuple[str, ...] = ()


LANGUAGES: dict[str, DateWords] = {
    "en": DateWords(
        months=("jan|january", "feb|february", "mar|march", "apr|april", "may", "jun|june", "jul|july",
                "aug|august", "sep|sept|september", "oct|october", "nov|november", "dec|december"),
        weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        labels=("published", "posted", "updated", "last updated", "first published", "date"),
        label_links=("on", "at"),
        examples=(("Tuesday, June 17, 2025", "2025-06-17"), ("Published 18 November 2019", "2019-11-18"),
                  ("UPDATED: Tue., Nov. 19, 2019", "2019-11-19"), ("2024-02-29 10:00", "2024-02-29"),
                  ("03/04/2024", None), ("February 30, 2024", None)),
        keep=("Markets Rally On March 3, 2025 After Fed Decision",),
    ),
    "ru": DateWords(
        months=("январь|января|янв", "февраль|февраля|фев|февр", "март|марта|мар", "апрель|апреля|апр",
                "май|мая", "июнь|июня|июн", "июль|июля|июл", "август|августа|авг", "сентябрь|сентября|сен|сент",
                "октябрь|октября|окт", "ноябрь|ноября|ноя|нояб", "декабрь|декабря|дек"),
        weekdays=("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
        labels=("опубликовано", "обновлено", "дата публикации", "дата обновления"),
        year_words=("г", "года"),
        time_words=("в",),
        examples=(("5 марта 2024, 14:30", "2024-03-05"), ("Опубликовано: 12 января 2012, 12:05", "2012-01-12"),
                  ("Обновлено: 14 марта 2023, 10:42", "2023-03-14"), ("среда, 10 апреля 2013", "2013-04-10"),
                  ("09 декабря 2011 г.", "2011-12-09"), ("10.04.2013 10:25 МСК", "2013-04-10"),
                  ("5 МАРТА 2024 ГОДА", "2024-03-05")),
        keep=("Май 2024 года стал рекордным по числу туристов", "5 марта 2024 года в Москве открылась выставка",
              "Опубликовано исследование о росте цен", "Обновлено 5 раз"),
    ),
    "uk": DateWords(
        months=("січень|січня|січ", "лютий|лютого|лют", "березень|березня|бер", "квітень|квітня|квіт",
                "травень|травня|трав", "червень|червня|черв", "липень|липня|лип", "серпень|серпня|серп",
                "вересень|вересня|вер", "жовтень|жовтня|жовт", "листопад|листопада|лист", "грудень|грудня|груд"),
        weekdays=("понеділок", "вівторок", "середа", "четвер", "пʼятниця", "п'ятниця", "п’ятниця", "субота", "неділя"),
        labels=("опубліковано", "оновлено", "дата публікації"),
        year_words=("р", "року"),
        time_words=("о",),
        examples=(("5 березня 2024, 14:30", "2024-03-05"), ("Опубліковано: 12 лютого 2024 о 09:15", "2024-02-12"),
                  ("середа, 10 квітня 2013 р.", "2013-04-10")),
        keep=("Березень 2024 року став найтеплішим в історії спостережень",),
    ),
    "pl": DateWords(
        months=("styczeń|stycznia|sty", "luty|lutego|lut", "marzec|marca|mar", "kwiecień|kwietnia|kwi",
                "maj|maja", "czerwiec|czerwca|cze", "lipiec|lipca|lip", "sierpień|sierpnia|sie",
                "wrzesień|września|wrz", "październik|października|paź", "listopad|listopada|lis",
                "grudzień|grudnia|gru"),
        weekdays=("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
        labels=("opublikowano", "aktualizacja", "zaktualizowano", "data publikacji", "dodano", "data dodania"),
        year_words=("r", "roku"),
        time_words=("o", "godz"),
        examples=(("12 lutego 2024", "2024-02-12"), ("Opublikowano: 12 lutego 2024, 10:15", "2024-02-12"),
                  ("Aktualizacja: 14.03.2023, 10:42", "2023-03-14"), ("Środa, 10 kwietnia 2013 r.", "2013-04-10"),
                  ("Dodano: 3 stycznia 2012, 16:07", "2012-01-03"), ("06 Gru 2011", "2011-12-06"),
                  ("3 WRZEŚNIA 2024", "2024-09-03")),
        keep=("Marzec 2024 przyniósł rekordowe opady w całym kraju", "Aktualizacja systemu 5 marca"),
    ),
    "cs": DateWords(
        months=("leden|ledna", "únor|února", "březen|března", "duben|dubna", "květen|května", "červen|června",
                "červenec|července", "srpen|srpna", "září", "říjen|října", "listopad|listopadu", "prosinec|prosince"),
        weekdays=("pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota", "neděle"),
        labels=("publikováno", "aktualizováno", "vydáno", "datum publikace"),
        time_words=("v",),
        examples=(("Aktualizováno: 14. března 2023 10:42", "2023-03-14"), ("5. července 2024", "2024-07-05"),
                  ("14. 3. 2023 10:42", "2023-03-14")),
        keep=("Březen 2024 byl nejteplejší v historii měření",),
    ),
    "el": DateWords(
        months=("ιανουάριος|ιανουαρίου|ιαν", "φεβρουάριος|φεβρουαρίου|φεβ", "μάρτιος|μαρτίου|μαρ",
                "απρίλιος|απριλίου|απρ", "μάιος|μαΐου|μαϊου|μαίου|μάη", "ιούνιος|ιουνίου|ιουν", "ιούλιος|ιουλίου|ιουλ",
                "αύγουστος|αυγούστου|αυγ", "σεπτέμβριος|σεπτεμβρίου|σεπ|σεπτ", "οκτώβριος|οκτωβρίου|οκτ",
                "νοέμβριος|νοεμβρίου|νοε", "δεκέμβριος|δεκεμβρίου|δεκ"),
        weekdays=("δευτέρα", "τρίτη", "τετάρτη", "πέμπτη", "παρασκευή", "σάββατο", "κυριακή"),
        labels=("δημοσιεύθηκε", "δημοσιεύτηκε", "δημοσίευση", "ενημερώθηκε", "τελευταία ενημέρωση",
                "ημερομηνία δημοσίευσης"),
        time_words=("στις",),
        examples=(("15 Μαρτίου 2024", "2024-03-15"), ("Τετάρτη 10 Απριλίου 2013", "2013-04-10"),
                  ("07 Ιανουαρίου 2012, 10:37", "2012-01-07"), ("Δημοσιεύθηκε: 5 Μαΐου 2024, 18:05", "2024-05-05"),
                  ("15 ΜΑΡΤΙΟΥ 2024", "2024-03-15"), ("5 ΜΑΪΟΥ 2024", "2024-05-05"),
                  ("Τετάρτη, 10/4/2013", None), ("Ημερομηνία δημοσίευσης: 09/01/2012", None)),  # slashes: no guess
        keep=("Μάρτιος 2024: ο πιο ζεστός μήνας που έχει καταγραφεί",),
    ),
    "tr": DateWords(
        months=("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim",
                "kasım", "aralık"),
        weekdays=("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"),
        labels=("yayınlanma tarihi", "yayınlanma", "yayın tarihi", "güncelleme", "güncellenme tarihi",
                "son güncelleme"),
        time_words=("saat",),
        examples=(("5 Mart 2024, 14:30", "2024-03-05"), ("Güncelleme: 14.03.2023 10:42", "2023-03-14"),
                  ("12 KASIM 2024 Salı", "2024-11-12"), ("12 Kasım 2024", "2024-11-12")),
        keep=("Mart 2024 enflasyon rakamları açıklandı",),
    ),
    "de": DateWords(
        months=("januar|jänner|jan", "februar|feb", "märz|mär|mrz", "april|apr", "mai", "juni|jun", "juli|jul",
                "august|aug", "september|sept|sep", "oktober|okt", "november|nov", "dezember|dez"),
        weekdays=("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag"),
        labels=("veröffentlicht", "aktualisiert", "zuletzt aktualisiert", "stand"),
        label_links=("am", "um"),
        time_words=("um",),
        examples=(("5. März 2024", "2024-03-05"), ("Dienstag, 5. März 2024, 14:30 Uhr", "2024-03-05"),
                  ("Veröffentlicht am 5. März 2024", "2024-03-05"), ("Stand: 05.03.2024 14:30 Uhr", "2024-03-05")),
        keep=("März 2024: Die Inflation sinkt weiter", "Stand der Dinge"),
    ),
    "fr": DateWords(
        months=("janvier|janv", "février|févr|fév", "mars", "avril|avr", "mai", "juin", "juillet|juil", "août",
                "septembre|sept", "octobre|oct", "novembre|nov", "décembre|déc"),
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        labels=("publié", "mis à jour", "modifié"),
        label_links=("le",),
        time_words=("à",),
        examples=(("Publié le 5 mars 2024 à 14h30", "2024-03-05"), ("mardi 5 mars 2024", "2024-03-05"),
                  ("1er avril 2024", "2024-04-01"), ("Mis à jour le 12 février 2024", "2024-02-12")),
        keep=("Mars 2024 : le mois le plus chaud jamais mesuré",),
    ),
    "es": DateWords(
        months=("enero|ene", "febrero|feb", "marzo|mar", "abril|abr", "mayo|may", "junio|jun", "julio|jul",
                "agosto|ago", "septiembre|setiembre|sept|sep", "octubre|oct", "noviembre|nov", "diciembre|dic"),
        weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        labels=("publicado", "actualizado", "fecha de publicación"),
        label_links=("el",),
        time_words=("a las", "a la"),
        examples=(("5 de marzo de 2024", "2024-03-05"), ("martes, 5 de marzo de 2024", "2024-03-05"),
                  ("Publicado el 12 de febrero de 2024", "2024-02-12"),
                  ("Actualizado: 5 de marzo de 2024 a las 14:30", "2024-03-05")),
        keep=("El Gobierno aprueba el 5 de marzo de 2024 la nueva ley de vivienda",),
    ),
    "it": DateWords(
        months=("gennaio|gen", "febbraio|feb", "marzo|mar", "aprile|apr", "maggio|mag", "giugno|giu",
                "luglio|lug", "agosto|ago", "settembre|sett|set", "ottobre|ott", "novembre|nov", "dicembre|dic"),
        weekdays=("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
        labels=("pubblicato", "aggiornato", "ultimo aggiornamento"),
        label_links=("il",),
        time_words=("alle", "ore"),
        examples=(("5 marzo 2024", "2024-03-05"), ("Pubblicato il 12 febbraio 2024 alle 10:15", "2024-02-12"),
                  ("martedì 5 marzo 2024", "2024-03-05")),
        keep=("Marzo 2024, il mese più caldo di sempre",),
    ),
    "pt": DateWords(
        months=("janeiro|jan", "fevereiro|fev", "março|mar", "abril|abr", "maio|mai", "junho|jun", "julho|jul",
                "agosto|ago", "setembro|set", "outubro|out", "novembro|nov", "dezembro|dez"),
        weekdays=("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado",
                  "domingo"),
        labels=("publicado", "publicada", "atualizado", "atualizada"),
        label_links=("em",),
        time_words=("às",),
        examples=(("5 de março de 2024", "2024-03-05"), ("Publicado em 12 de fevereiro de 2024 às 10:15", "2024-02-12"),
                  ("Atualizado em 05/03/2024", None)),
        keep=("Março de 2024 teve chuvas acima da média",),
    ),
    "nl": DateWords(
        months=("januari|jan", "februari|feb", "maart|mrt", "april|apr", "mei", "juni|jun", "juli|jul",
                "augustus|aug", "september|sept|sep", "oktober|okt", "november|nov", "december|dec"),
        weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        labels=("gepubliceerd", "bijgewerkt", "laatst bijgewerkt", "geplaatst"),
        label_links=("op",),
        time_words=("om",),
        examples=(("5 maart 2024", "2024-03-05"), ("Gepubliceerd op 12 februari 2024 om 10:15", "2024-02-12"),
                  ("dinsdag 5 maart 2024, 14:30", "2024-03-05")),
        keep=("Maart 2024 was de natste maand ooit gemeten",),
    ),
    "ar": DateWords(
        months=("يناير|كانون الثاني", "فبراير|شباط", "مارس|آذار", "أبريل|إبريل|نيسان", "مايو|أيار",
                "يونيو|يونيه|حزيران", "يوليو|يوليه|تموز", "أغسطس|آب", "سبتمبر|أيلول", "أكتوبر|تشرين الأول",
                "نوفمبر|تشرين الثاني", "ديسمبر|كانون الأول"),
        weekdays=("الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
        labels=("تاريخ النشر", "آخر تحديث", "نشر في", "نشر بتاريخ", "تم النشر"),
        time_words=("الساعة",),
        examples=(("آخر تحديث: 14 مارس 2023 - 10:42", "2023-03-14"), ("14 آذار 2023", "2023-03-14"),
                  ("الثلاثاء 5 تشرين الأول 2024", "2024-10-05"), ("نشر في: ١٤ مارس ٢٠٢٣", "2023-03-14")),
        keep=("مارس 2024 الأكثر حرارة في التاريخ",),
    ),
    "ja": DateWords(
        labels=("公開日", "更新日", "投稿日", "配信日", "掲載日", "公開", "更新"),
        examples=(("2024年3月5日", "2024-03-05"), ("2023年3月14日 10:42", "2023-03-14"),
                  ("2024年3月5日（火）14時30分", "2024-03-05"), ("公開日：2024年3月5日", "2024-03-05")),
        keep=("2024年3月に発表された新しい計画",),
    ),
    "zh": DateWords(
        labels=("发布时间", "发布日期", "发表时间", "发表于", "更新时间", "發布時間", "發佈時間", "發表於", "更新時間"),
        examples=(("发布时间：2023-03-14 10:42", "2023-03-14"), ("2024年3月5日 星期二", "2024-03-05"),
                  ("發布時間：2024年3月5日", "2024-03-05")),
        keep=("2024年3月经济数据公布",),
    ),
    "ko": DateWords(
        labels=("입력", "수정", "기사입력", "최종수정", "등록"),
        time_words=("오전", "오후"),
        examples=(("2024년 3월 5일", "2024-03-05"), ("입력 2024.03.05 14:30", "2024-03-05"),
                  ("2024년 3월 5일 (화) 오후 2:30", "2024-03-05"), ("수정 2024. 3. 5. 오전 9:10", "2024-03-05")),
        keep=("2024년 3월 물가 발표",),
    ),
}
