#include "parts.h"

#include <stdlib.h>
#include <string.h>

// A reader of the `parts` column's JSON into structs, for the floor that does the work SessionStore's read does
// with parts: every string its own allocation, the parts one array. It reads what the store writes and is no
// validator: it checks no UTF-8 (the benchmark's text is ASCII, which SessionStore does not check either) and
// skips unknown values loosely.

typedef struct {
    const char *at, *end;
} cursor;

static void skip_whitespace(cursor *c) {
    while (c->at < c->end && (*c->at == ' ' || *c->at == '\n' || *c->at == '\r' || *c->at == '\t')) c->at++;
}

static int consume(cursor *c, char byte) {
    skip_whitespace(c);
    if (c->at == c->end || *c->at != byte) return 0;
    c->at++;
    return 1;
}

static int literal(cursor *c, const char *text) {
    skip_whitespace(c);
    size_t length = strlen(text);
    if ((size_t)(c->end - c->at) < length || memcmp(c->at, text, length) != 0) return 0;
    c->at += length;
    return 1;
}

#define SPELLS(key, length, text) ((length) == sizeof(text) - 1 && memcmp((key), (text), (length)) == 0)

// A string without escapes (keys and part types), not copied.
static int plain_string(cursor *c, const char **text, size_t *length) {
    if (!consume(c, '"')) return 0;
    const char *quote = memchr(c->at, '"', (size_t)(c->end - c->at));
    if (!quote || memchr(c->at, '\\', (size_t)(quote - c->at))) return 0;
    *text = c->at;
    *length = (size_t)(quote - c->at);
    c->at = quote + 1;
    return 1;
}

static int hex_quad(cursor *c, unsigned *value) {
    if (c->end - c->at < 4) return 0;
    *value = 0;
    for (int i = 0; i < 4; i++) {
        char digit = *c->at++;
        unsigned nibble;
        if (digit >= '0' && digit <= '9') nibble = (unsigned)(digit - '0');
        else if (digit >= 'a' && digit <= 'f') nibble = (unsigned)(digit - 'a' + 10);
        else if (digit >= 'A' && digit <= 'F') nibble = (unsigned)(digit - 'A' + 10);
        else return 0;
        *value = *value << 4 | nibble;
    }
    return 1;
}

static size_t write_utf8(unsigned scalar, char *out) {
    if (scalar < 0x80) {
        out[0] = (char)scalar;
        return 1;
    }
    if (scalar < 0x800) {
        out[0] = (char)(0xC0 | scalar >> 6);
        out[1] = (char)(0x80 | (scalar & 0x3F));
        return 2;
    }
    if (scalar < 0x10000) {
        out[0] = (char)(0xE0 | scalar >> 12);
        out[1] = (char)(0x80 | (scalar >> 6 & 0x3F));
        out[2] = (char)(0x80 | (scalar & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | scalar >> 18);
    out[1] = (char)(0x80 | (scalar >> 12 & 0x3F));
    out[2] = (char)(0x80 | (scalar >> 6 & 0x3F));
    out[3] = (char)(0x80 | (scalar & 0x3F));
    return 4;
}

// A string value, escapes decoded, in an allocation of its own that `keep` takes; NULL when malformed.
static char *string(cursor *c, rawc_keep keep, void *context) {
    if (!consume(c, '"')) return NULL;
    const char *quote = memchr(c->at, '"', (size_t)(c->end - c->at));
    if (!quote) return NULL;
    const char *escape = memchr(c->at, '\\', (size_t)(quote - c->at));
    if (!escape) {
        size_t length = (size_t)(quote - c->at);
        char *copy = malloc(length + 1);
        keep(context, copy);
        memcpy(copy, c->at, length);
        copy[length] = 0;
        c->at = quote + 1;
        return copy;
    }
    // The quote found may be escaped; escapes only shorten text, so the rest of the column is room enough.
    char *out = malloc((size_t)(c->end - c->at) + 1);
    keep(context, out);
    size_t count = (size_t)(escape - c->at);
    memcpy(out, c->at, count);
    c->at = escape;
    while (c->at < c->end) {
        char byte = *c->at++;
        if (byte == '"') {
            out[count] = 0;
            return out;
        }
        if (byte != '\\') {
            out[count++] = byte;
            continue;
        }
        if (c->at == c->end) return NULL;
        char escaped = *c->at++;
        unsigned scalar;
        switch (escaped) {
        case '"': case '\\': case '/': out[count++] = escaped; break;
        case 'b': out[count++] = '\b'; break;
        case 'f': out[count++] = '\f'; break;
        case 'n': out[count++] = '\n'; break;
        case 'r': out[count++] = '\r'; break;
        case 't': out[count++] = '\t'; break;
        case 'u':
            if (!hex_quad(c, &scalar)) return NULL;
            if (scalar >= 0xD800 && scalar < 0xDC00) {
                unsigned low;
                if (c->end - c->at < 2 || c->at[0] != '\\' || c->at[1] != 'u') return NULL;
                c->at += 2;
                if (!hex_quad(c, &low) || low < 0xDC00 || low >= 0xE000) return NULL;
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00);
            }
            count += write_utf8(scalar, out + count);
            break;
        default: return NULL;
        }
    }
    return NULL;
}

static int optional_string(cursor *c, char **value, rawc_keep keep, void *context) {
    if (literal(c, "null")) {
        *value = NULL;
        return 1;
    }
    *value = string(c, keep, context);
    return *value != NULL;
}

static int skip_value(cursor *c);

// Reads the next key of an object (its opening brace first) and the colon after it: 1 when there is one, 0 at
// the closing brace, -1 for anything else.
static int next_key(cursor *c, int *started, const char **key, size_t *length) {
    if (!*started) {
        *started = 1;
        if (!consume(c, '{')) return -1;
        if (consume(c, '}')) return 0;
    } else {
        if (consume(c, '}')) return 0;
        if (!consume(c, ',')) return -1;
    }
    return plain_string(c, key, length) && consume(c, ':') ? 1 : -1;
}

static int skip_value(cursor *c) {
    skip_whitespace(c);
    if (c->at == c->end) return 0;
    const char *key;
    size_t length;
    int started = 0, found;
    switch (*c->at) {
    case '"':
        for (c->at++; c->at < c->end; c->at++) {
            if (*c->at == '\\') c->at++;
            else if (*c->at == '"') break;
        }
        if (c->at >= c->end) return 0;
        c->at++;
        return 1;
    case '{':
        while ((found = next_key(c, &started, &key, &length)) == 1) {
            if (!skip_value(c)) return 0;
        }
        return found == 0;
    case '[':
        c->at++;
        if (consume(c, ']')) return 1;
        do {
            if (!skip_value(c)) return 0;
        } while (consume(c, ','));
        return consume(c, ']');
    default: {
        const char *start = c->at;
        while (c->at < c->end && strchr("0123456789+-.eEtrufalsn", *c->at)) c->at++;
        return c->at > start;
    }
    }
}

static int tool_call(cursor *c, rawc_part *part, rawc_keep keep, void *context) {
    const char *key;
    size_t length;
    int started = 0, found;
    while ((found = next_key(c, &started, &key, &length)) == 1) {
        if (SPELLS(key, length, "id")) {
            if (!(part->call_id = string(c, keep, context))) return 0;
        } else if (SPELLS(key, length, "type")) {
            if (!(part->call_type = string(c, keep, context))) return 0;
        } else if (SPELLS(key, length, "function")) {
            int function_started = 0, function_found;
            while ((function_found = next_key(c, &function_started, &key, &length)) == 1) {
                if (SPELLS(key, length, "name")) {
                    if (!(part->call_name = string(c, keep, context))) return 0;
                } else if (SPELLS(key, length, "arguments")) {
                    if (!(part->call_arguments = string(c, keep, context))) return 0;
                } else if (!skip_value(c)) {
                    return 0;
                }
            }
            if (function_found < 0) return 0;
        } else if (!skip_value(c)) {
            return 0;
        }
    }
    return found == 0 && part->call_id && part->call_type && part->call_name && part->call_arguments;
}

static int tool_result(cursor *c, rawc_part *part, rawc_keep keep, void *context) {
    const char *key;
    size_t length;
    int started = 0, found;
    while ((found = next_key(c, &started, &key, &length)) == 1) {
        if (SPELLS(key, length, "toolCallId")) {
            if (!(part->result_call_id = string(c, keep, context))) return 0;
        } else if (SPELLS(key, length, "content")) {
            if (!(part->result_content = string(c, keep, context))) return 0;
        } else if (SPELLS(key, length, "isError")) {
            if (literal(c, "true")) part->is_error = 1;
            else if (literal(c, "false")) part->is_error = 0;
            else if (!literal(c, "null")) return 0;
        } else if (!skip_value(c)) {
            return 0;
        }
    }
    return found == 0 && part->result_call_id && part->result_content;
}

static int part(cursor *c, rawc_part *part, rawc_keep keep, void *context) {
    static const char *const kinds[] = {"text", "tool_call", "tool_result", "thinking", "code"};
    memset(part, 0, sizeof *part);
    part->kind = -1;
    part->is_error = -1;
    const char *key, *type;
    size_t length, type_length;
    int started = 0, found;
    while ((found = next_key(c, &started, &key, &length)) == 1) {
        if (SPELLS(key, length, "type")) {
            if (!plain_string(c, &type, &type_length)) return 0;
            for (int kind = 0; kind < 5; kind++) {
                if (type_length == strlen(kinds[kind]) && memcmp(type, kinds[kind], type_length) == 0) part->kind = kind;
            }
        } else if (SPELLS(key, length, "content")) {
            if (!optional_string(c, &part->content, keep, context)) return 0;
        } else if (SPELLS(key, length, "toolCall")) {
            if (!literal(c, "null") && !tool_call(c, part, keep, context)) return 0;
        } else if (SPELLS(key, length, "toolResult")) {
            if (!literal(c, "null") && !tool_result(c, part, keep, context)) return 0;
        } else if (!skip_value(c)) {
            return 0;
        }
    }
    return found == 0 && part->kind >= 0;
}

int64_t rawc_read_parts(const char *json, size_t length, rawc_keep keep, void *context) {
    cursor c = {json, json + length};
    if (!consume(&c, '[')) return -1;
    size_t count = 0, capacity = 4;
    rawc_part *parts = malloc(capacity * sizeof *parts);
    keep(context, parts);
    if (!consume(&c, ']')) {
        do {
            if (count == capacity) {
                rawc_part *grown = malloc(2 * capacity * sizeof *parts);
                keep(context, grown);
                memcpy(grown, parts, count * sizeof *parts);
                parts = grown;
                capacity *= 2;
            }
            if (!part(&c, &parts[count], keep, context)) return -1;
            count++;
        } while (consume(&c, ','));
        if (!consume(&c, ']')) return -1;
    }
    skip_whitespace(&c);
    return c.at == c.end ? (int64_t)count : -1;
}
