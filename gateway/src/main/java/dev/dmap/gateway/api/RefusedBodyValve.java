package dev.dmap.gateway.api;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a request is refused (401, 403, 413, 429) without its body having been read, Tomcat would
 * read the rest of the body to keep the connection alive ("swallowing" it), holding a request thread
 * for as long as the client trickles bytes: 210 clients sending a declared 10 MB one byte at a time
 * held every thread and stalled the gateway. This valve tells Tomcat not to, so the refused
 * connection is closed at once and its thread is free.
 */
final class RefusedBodyValve extends ValveBase {
    RefusedBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        int status = response.getStatus();
        if ((status == 401 || status == 403 || status == 413 || status == 429) && hasBody(request)) {
            response.setHeader("Connection", "close");
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    private static boolean hasBody(Request request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }
}
