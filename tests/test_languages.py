"""Languages beyond the first seven (issue 15): stop words guess the page's language, and
the per-language rule packs drop that language's site chrome, each drop logged with its rule."""
import pytest

from newsclean.pipeline.text.predicates import words as word_count
from newsclean.pipeline.text.languages import guess_language

PROSE = {
    "ru": "Министр заявил, что правительство не будет повышать налоги в этом году, и это решение было "
          "принято после того, как все члены кабинета его поддержали. Он также отметил, что у страны есть "
          "резервы, которые можно использовать для того, чтобы помочь тем, кто в них нуждается.",
    "uk": "Міністр заявив, що уряд не буде підвищувати податки цього року, і це рішення було ухвалене після "
          "того, як усі члени кабінету його підтримали. Він також зазначив, що у країни є резерви, які можна "
          "використати для того, щоб допомогти тим, хто цього потребує, але лише після перевірки.",
    "pl": "Minister powiedział, że rząd nie będzie podnosił podatków w tym roku, a decyzja została podjęta po "
          "tym, jak wszyscy członkowie gabinetu ją poparli. Dodał także, że kraj ma rezerwy, które można "
          "wykorzystać, aby pomóc tym, którzy są w potrzebie, jednak tylko po kontroli.",
    "cs": "Ministr uvedl, že vláda nebude v tomto roce zvyšovat daně, a to rozhodnutí bylo přijato poté, co ho "
          "podpořili všichni členové kabinetu. Také řekl, že země má rezervy, které je možné využít, aby se "
          "pomohlo těm, kteří jsou v nouzi, ale jen po kontrole, kterou už připravují.",
    "el": "Ο υπουργός δήλωσε ότι η κυβέρνηση δεν θα αυξήσει τους φόρους φέτος και ότι η απόφαση αυτή πάρθηκε "
          "μετά από τη συνεδρίαση του υπουργικού συμβουλίου. Επίσης είπε ότι η χώρα έχει αποθέματα, τα οποία "
          "μπορούν να χρησιμοποιηθούν για να βοηθήσουν όσους τα έχουν ανάγκη, αλλά μόνο μετά από έλεγχο.",
    "tr": "Bakan, hükümetin bu yıl vergileri artırmayacağını ve bu kararın kabine toplantısından sonra alındığını "
          "söyledi. Ayrıca ülkenin çok daha fazla rezervi olduğunu ve bu rezervlerin ihtiyacı olan herkes için "
          "kullanılabileceğini belirtti, ancak bu kadar kısa bir sürede değil, dedi ve bir de ekledi ki yeni plan var.",
    "ar": "قال الوزير إن الحكومة لن ترفع الضرائب في هذا العام وإن هذا القرار تم اتخاذه بعد اجتماع مجلس الوزراء "
          "الذي عقد في العاصمة. وأضاف أن لدى البلاد احتياطيات يمكن أن تستخدم من أجل مساعدة من هم في حاجة إليها "
          "خلال الأشهر المقبلة، كما قال إن هذه الخطة التي أعلن عنها ستكون على مراحل وهي بين الوزارات.",
}


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_the_page_language_is_guessed_from_its_stop_words(lang):
    assert guess_language([PROSE[lang]]) == lang


def test_russian_chrome_is_dropped_with_its_rules(clean):
    body = [PROSE["ru"], "Представители оппозиции раскритиковали это решение и заявили, что будут добиваться "
            "отставки министра, если цены продолжат расти так же быстро, как и в прошлом году.",
            "В пятницу в центре Москвы прошел митинг, в котором, по данным полиции, приняли участие около "
            "пяти тысяч человек, а по данным организаторов, намного больше."]
    chrome = ["Поделиться", "Фото: РИА Новости", "Читайте также:", "Комментарии (12)", "© РИА Новости, 2012"]
    raw = "\n".join(["Главная", "Новости", "5 минут назад", *body, *chrome])
    out = clean(raw)
    kept = "\n".join(b.text for b in out.article.blocks)
    for line in body:
        assert line in kept
    dropped = {c.before: c.rule for c in out.changes if c.before}
    for line in ("Поделиться", "Читайте также:", "Комментарии (12)", "© РИА Новости, 2012"):
        assert line not in kept and line in dropped, line
    assert dropped["Читайте также:"].startswith("bp.")
    assert out.article.language == "ru"


def test_cjk_words_are_counted_without_spaces():
    assert word_count("政府周一宣布了新的经济政策，以支持中小企业的发展。") >= 10
    assert word_count("政府は月曜日に新しい経済政策を発表した。") >= 8
