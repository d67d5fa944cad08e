package org.dari.safety;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {
    private final Redactor redactor = new Redactor("[지움]");

    private void masked(String input, String... secrets) {
        Redactor.Result r = redactor.redact(input);
        assertTrue(r.changed(), input);
        assertTrue(r.text().contains("[지움]"), r.text());
        for (String s : secrets) assertFalse(r.text().contains(s), "leaked " + s + " in " + r.text());
    }

    @Test
    void chineseMobiles() {
        masked("제 번호 13812345678 이에요", "13812345678", "12345678");
        masked("call 138 1234 5678", "1234", "5678");
        masked("+86 139-1234-5678 please", "139", "5678");
        masked("+8613912345678", "13912345678");
    }

    @Test
    void koreanAndOtherPhoneForms() {
        masked("010-1234-5678로 연락", "1234", "5678");
        masked("+82 10 9876 5432", "9876", "5432");
        masked("평양 +850 2 381 2222", "381", "2222");
        masked("home 0431 8888 777", "8888");
        masked("1234567", "1234567");
    }

    @Test
    void chineseIdNumbers() {
        masked("身份证 11010519491231002X 입니다", "11010519491231002X", "19491231");
        masked("id 110105194912310021", "110105194912310021");
        masked("110105 19491231 002x", "19491231");
    }

    @Test
    void emails() {
        masked("mail me: kim.sun-hee+1@example.co.kr thanks", "kim.sun-hee", "example");
        masked("제 메일은 abc@qq.com", "abc@qq.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wechat: abc_123", "my WeChat id is sunny_kim88", "微信 xyz", "微信号：wxid_8a7b6c",
            "위챗 아이디 hana2024", "위챗 moonlight", "QQ 12345678", "qq号 987654", "카톡 아이디 snow_flower",
            "카카오톡 id: bluesky", "telegram: @ someone_77", "line id: kim1990"})
    void messengerAccounts(String text) {
        Redactor.Result r = redactor.redact(text);
        assertTrue(r.changed(), text);
        String id = text.replaceAll(".*[ :：号]", "");
        assertFalse(r.text().contains(id), "leaked " + id + " in " + r.text());
        assertTrue(r.text().endsWith("[지움]"), r.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"공안이 지금 문 앞에 왔어요", "I came to China in 2015 and have 2 children",
            "he wants 30000 yuan", "reviewed 2023-07-18", "wechat is not safe, right?", "I use line every day",
            "my identity card was taken", "카톡 쓰면 위험한가요", "the signal is weak here", "UNHCR article 33",
            "", "아이가 3살이에요"})
    void ordinaryTextStaysUnchanged(String text) {
        Redactor.Result r = redactor.redact(text);
        assertFalse(r.changed(), r.text());
        assertEquals(text, r.text());
    }

    @Test
    void defaultMarkerIsNeutralAndNullIsSafe() {
        assertEquals("call […]", new Redactor().redact("call 13812345678").text());
        assertEquals("", new Redactor().redact(null).text());
    }

    @Test
    void neverThrowsOnLongOrStrangeInput() {
        String digits = "1".repeat(200_000);
        assertEquals("[지움]", redactor.redact(digits).text());
        assertFalse(redactor.redact("wechat" + " ".repeat(100_000) + "is" + " :".repeat(50_000) + "!").changed());
        String mixed = "wechat: a_1 \uD800 ".repeat(20_000);
        assertFalse(redactor.redact(mixed).text().contains("a_1"));
    }
}
