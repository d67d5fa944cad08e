package org.dari.knowledge;

/** A problem found in the knowledge base, naming the file and field. */
public record ValidationIssue(Severity severity, String file, String field, String message) {
    public enum Severity { ERROR, WARNING }

    @Override
    public String toString() {
        return (severity == Severity.ERROR ? "error" : "warning") + ": " + file
                + (field == null || field.isEmpty() ? "" : " [" + field + "]") + ": " + message;
    }
}
