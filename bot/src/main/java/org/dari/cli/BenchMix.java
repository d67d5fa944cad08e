package org.dari.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the simulated people of {@code dari bench} write: questions in both languages, commands,
 * greetings, numbers chosen from menus, urgent messages and a few complete requests for help.
 * Written for the benchmark, apart from the evaluation sets.
 */
final class BenchMix {
    static final List<String> KOREAN_QUESTIONS = List.of(
            "중국에서 잡히면 어떻게 되나요",
            "북송되면 감옥에 가나요?",
            "공안한테 잡혔을때 무슨 말을 해야 하나요",
            "유엔 난민기구에 련락할수 있나요",
            "중국 호구 없이 애기를 학교에 보낼수 있나요",
            "남편이 중국사람인데 결혼이 법적으로 인정되나요",
            "브로커가 돈을 더 달라고 해요",
            "한국 대사관에 들어가면 보호 받을수 있나요",
            "난민이 뭐예요",
            "중국은 왜 우리를 난민으로 안 봐요",
            "병원에 가도 신고 안 당하나요",
            "손전화를 공안이 추적할수 있나요",
            "팔려 왔어요 어떻게 해야 돼요",
            "인신매매 당한 녀성은 어디서 도움 받나요",
            "다른 탈북자를 도와주면 나도 처벌 받나요",
            "국경에서 잡히면 어디로 끌려가요",
            "강제북송 당하면 고문 받나요",
            "한국에 가면 국적을 받을수 있나요",
            "제3국으로 가는 길이 안전한가요",
            "아이 출생등록을 할수 있을까요",
            "중국 법에 망명 신청하는 법이 있나요",
            "위챗으로 이야기해도 안전한가요",
            "집에서 나가지 못하게 가둬요",
            "돌아가라고 자꾸 압력을 넣어요",
            "고문방지협약이 뭐예요",
            "성분이 나쁘면 더 크게 벌 받나요",
            "해마다 몇명이나 북송되나요",
            "내 기록은 어디에 남나요",
            "화상채팅 일을 강제로 시켜요",
            "마음이 너무 힘들어요 잠을 못자요");

    static final List<String> ENGLISH_QUESTIONS = List.of(
            "what happens if the police catch me",
            "will i be sent back to north korea",
            "can UNHCR help me in china",
            "is my child allowed to go to school without hukou",
            "my marriage to a chinese man is it legal",
            "the broker wants more money what do i do",
            "can i go into the south korean embassy",
            "what is a refugee",
            "why doesnt china call us refugees",
            "can i see a doctor without being reported",
            "can the police track my phone",
            "i was sold to a family here",
            "where can trafficked women get help",
            "is it a crime to help other north koreans",
            "where do they take people caught at the border",
            "are returnees tortured",
            "can i become a south korean citizen",
            "which countries are safe to travel through",
            "how do i register my baby",
            "does china have an asylum law",
            "is wechat safe to use",
            "they lock me in the house",
            "my family keeps pushing me to go back",
            "what is the convention against torture",
            "does family background change the punishment",
            "how many people are sent back each year",
            "what do you keep about me",
            "i am forced to do webcam work",
            "i feel hopeless and cant sleep",
            "what is non refoulement");

    static final List<String> KOREAN_GREETINGS = List.of("안녕하세요", "안녕", "처음이에요", "반갑습니다");
    static final List<String> ENGLISH_GREETINGS = List.of("hello", "hi", "hey there", "good morning");
    static final List<String> URGENT = List.of("지금 공안이 문앞에 왔어요", "he is beating me now");
    /** A complete request for help: ask, consent, shelter, no province, no note, send. */
    static final List<String> REFERRAL = List.of("상담", "1", "2", "0", "없음", "1");

    private BenchMix() {
    }

    /** Every question, for the retrieval-only measurement. */
    static List<String> questions() {
        List<String> all = new ArrayList<>(KOREAN_QUESTIONS);
        all.addAll(ENGLISH_QUESTIONS);
        return all;
    }

    /**
     * One person's messages, in the order she sends them: mostly questions in her language with
     * commands and menu choices between them; some write something urgent; about one in
     * {@code referralEvery} completes a request for help.
     */
    static List<String> script(Random random, int referralEvery) {
        boolean korean = random.nextInt(3) < 2;
        List<String> questions = korean ? KOREAN_QUESTIONS : ENGLISH_QUESTIONS;
        List<String> out = new ArrayList<>();
        out.add(pick(random, korean ? KOREAN_GREETINGS : ENGLISH_GREETINGS));
        if (referralEvery > 0 && random.nextInt(referralEvery) == 0) out.addAll(REFERRAL);
        int turns = 2 + random.nextInt(3);
        for (int i = 0; i < turns; i++) {
            switch (random.nextInt(8)) {
                case 0 -> {
                    out.add(korean ? "목록" : "menu");
                    out.add(Integer.toString(2 + random.nextInt(6)));
                    out.add(Integer.toString(1 + random.nextInt(4)));
                }
                case 1 -> out.add(korean ? "개인정보" : "privacy");
                case 2 -> {
                    if (random.nextInt(4) == 0) out.add(pick(random, URGENT));
                    else out.add(pick(random, questions));
                }
                default -> {
                    out.add(pick(random, questions));
                    if (random.nextBoolean()) out.add(korean ? "더" : "more");
                    if (random.nextInt(3) == 0) out.add("sources");
                }
            }
        }
        return out;
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
