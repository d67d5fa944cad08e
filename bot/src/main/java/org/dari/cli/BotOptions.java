package org.dari.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Options shared by the commands that start the bot. */
final class BotOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (YAML); see config/dari.example.yaml.")
    Path config;

    Config load(Map<String, String> env) throws Config.ConfigException {
        return config == null ? Config.defaults().withEnvironment(env).withDefaults() : Config.load(config, env);
    }
}
