#ifndef RAWC_PARTS_H
#define RAWC_PARTS_H

#include <stddef.h>
#include <stdint.h>

/// One part of a message, as SessionStore's `MessagePart` holds it: NULL for a string it does not have.
typedef struct {
    int kind;  // text, tool_call, tool_result, thinking, code: 0 to 4
    char *content;
    char *call_id, *call_type, *call_name, *call_arguments;
    char *result_call_id, *result_content;
    int is_error;  // -1 when absent
} rawc_part;

/// Takes an allocation the reader made, to free when the values it belongs to are released.
typedef void (*rawc_keep)(void *context, void *allocation);

/// Reads a `parts` column's JSON into an array of parts, every string an allocation of its own, each handed to
/// `keep`; returns the number of parts, or -1 for JSON it cannot read.
int64_t rawc_read_parts(const char *json, size_t length, rawc_keep keep, void *context);

#endif
