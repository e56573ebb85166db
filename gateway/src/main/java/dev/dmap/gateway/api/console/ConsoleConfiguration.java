package dev.dmap.gateway.api.console;

import dev.dmap.gateway.api.ApiKeys;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The console's sessions, and its pages behind a sign-in (all but the sign-in page itself). */
@Configuration
class ConsoleConfiguration implements WebMvcConfigurer {
    private final ConsoleSessions sessions;
    private final ApiKeys keys;

    ConsoleConfiguration(ApiKeys keys, Clock clock) {
        this.keys = keys;
        this.sessions = new ConsoleSessions(keys, clock);
    }

    @Bean
    ConsoleSessions consoleSessions() {
        return sessions;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new ConsoleAccess(keys, sessions)).addPathPatterns("/console", "/console/**")
                .excludePathPatterns(ConsoleAccess.SIGN_IN, "/console/static/**");
    }
}
