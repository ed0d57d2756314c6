// The SQLite layer's types are part of this library's API: its errors (`catch SQLiteError.busy`), the
// connection options a `Configuration` holds, and the connection that `Migrator` works on. A server that
// imports SessionStore alone can name and match them.
@_exported import SessionStoreSQLite
