package dev.dmap.gateway.api;

import dev.dmap.gateway.GatewaySettings;
import dev.dmap.gateway.files.FileStore;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API's Spring MVC setup: every {@code /v1/} call needs a key from the operator's keys file, and
 * uploads stream to disk in this gateway's incoming area (moved into place, never held in memory).
 */
@Configuration
class ApiConfiguration implements WebMvcConfigurer {
    private final ApiKeys keys;

    ApiConfiguration(ApiKeys keys) {
        this.keys = keys;
    }

    @Bean
    MultipartConfigElement multipartConfig(FileStore files, GatewaySettings settings) {
        return new MultipartConfigElement(files.incomingDir().toString(), settings.maxFileSize(), settings.maxUploadRequestBytes(), 0);
    }

    /** Declared bodies over their limit, and a client's requests over its share, are refused before anything is read. */
    @Bean
    ClientLimits clientLimits(GatewaySettings settings) {
        return new ClientLimits(settings.maxRequestsPerClient(), settings.maxFileSize(), settings.maxUploadRequestBytes(),
                GatewaySettings.MAX_JSON_BYTES);
    }

    /** The most bytes of one multipart part's headers: room for a long file name, which is then cut to 255 characters. */
    static final int MAX_PART_HEADER_BYTES = 16 * 1024;

    /**
     * A refused request's unread body is not read (see {@link RefusedBodyValve}); a part's headers may
     * hold a long file name (Tomcat's 512-byte default refused a 5,000-character name as if the file
     * were too large).
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> tomcatLimits() {
        return factory -> {
            factory.addEngineValves(new RefusedBodyValve());
            factory.addConnectorCustomizers(connector -> connector.setMaxPartHeaderSize(MAX_PART_HEADER_BYTES));
        };
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Authentication(keys)).addPathPatterns("/v1/**");
    }
}
