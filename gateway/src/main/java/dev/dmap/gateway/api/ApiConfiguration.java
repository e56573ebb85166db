package dev.dmap.gateway.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The API's Spring MVC setup: every {@code /v1/} call needs a key from the operator's keys file. */
@Configuration
class ApiConfiguration implements WebMvcConfigurer {
    private final ApiKeys keys;

    ApiConfiguration(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Authentication(keys)).addPathPatterns("/v1/**");
    }
}
