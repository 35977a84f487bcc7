package io.fabstir.examples.node;

import java.util.List;
import java.util.SplittableRandom;

/** A model the node serves: load time, speed per token, job sizes, and what a thousand tokens earn. */
record Model(String name, int weight, long loadMillis, double millisPerToken, int minTokens, int maxTokens,
             double ethPerKiloToken) {

    /** Weighted towards the small models, as a real inference market is; the 70B one is slow enough to be flagged. */
    static final List<Model> CATALOGUE = List.of(
            new Model("llama-3-8b-instruct", 5, 1_250, 0.30, 64, 1_024, 0.0004),
            new Model("mistral-7b-instruct", 3, 1_100, 0.26, 64, 768, 0.00035),
            new Model("phi-3-mini", 3, 600, 0.12, 32, 512, 0.0001),
            new Model("llama-3-70b-instruct", 1, 1_900, 1.40, 128, 1_024, 0.0021));

    static Model pick(SplittableRandom random) {
        int total = CATALOGUE.stream().mapToInt(Model::weight).sum();
        int r = random.nextInt(total);
        for (Model m : CATALOGUE) {
            r -= m.weight();
            if (r < 0) {
                return m;
            }
        }
        return CATALOGUE.get(0);
    }
}
