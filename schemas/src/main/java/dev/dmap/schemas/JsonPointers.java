package dev.dmap.schemas;

import com.networknt.schema.path.NodePath;

/** Turns the validator's instance locations into JSON pointers (RFC 6901). */
final class JsonPointers {
    private JsonPointers() {
    }

    static String fromNodePath(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            pointer.append('/').append(escape(String.valueOf(element)));
        }
        return pointer.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
