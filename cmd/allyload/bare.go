package main

import (
	"database/sql"
	"flag"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the bare PostgreSQL ceiling uses the same driver as Ally
	_ "modernc.org/sqlite"             // and the same SQLite
)

// fixedBody is what the bare JSON ceiling returns: about the size of a partner.
var fixedBody = []byte(`{"data":{"id":"ptn_01HVK6Y8Z8Q7J8J8J8J8J8J8J8","name":"Acme Partners","domain":"acme.example","status":"active","categories":["Reseller"],"createdAt":"2026-05-08T12:00:00.000Z","updatedAt":"2026-05-08T12:00:00.000Z"}}`)

// runBare serves one ceiling: "json" answers a fixed body; "select" does the
// same primary-key SELECT Ally does and writes the row as JSON, with nothing
// else (no auth, no routing framework, no validation).
func runBare(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	mode := fs.String("mode", "json", "json or select")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	driver := fs.String("driver", "sqlite", "sqlite or pgx")
	dsn := fs.String("dsn", "", "database DSN for select")
	pgConns := fs.Int("pg-conns", 20, "PostgreSQL pool size")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mux := http.NewServeMux()
	switch *mode {
	case "json":
		mux.HandleFunc("GET /partners/{id}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(fixedBody)
		})
	case "select":
		db, err := sql.Open(*driver, *dsn)
		if err != nil {
			return err
		}
		// The same pool size as Ally's (store.Open) for this engine.
		n := 2*runtime.GOMAXPROCS(0) + 2
		if *driver == "pgx" {
			n = *pgConns
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		// Prepared once, as Ally's store prepares its hot reads.
		stmt, err := db.Prepare("SELECT * FROM partners WHERE id = $1")
		if err != nil {
			return err
		}
		mux.HandleFunc("GET /partners/{id}", func(w http.ResponseWriter, r *http.Request) {
			rows, err := stmt.QueryContext(r.Context(), r.PathValue("id"))
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			defer rows.Close()
			if !rows.Next() {
				http.NotFound(w, r)
				return
			}
			// Scan every column and write them as a JSON array: the least a
			// handler can do to return the row, so it is a true ceiling.
			cols, _ := rows.Columns()
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			buf := append(make([]byte, 0, 1024), `{"data":[`...)
			for i, v := range vals {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendQuote(buf, string(v))
			}
			buf = append(buf, "]}"...)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(buf)
		})
	default:
		return fmt.Errorf("unknown mode %q", *mode)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Println("listening on http://" + ln.Addr().String())
	return http.Serve(ln, mux)
}

// sqliteReaderDSN opens the file the way Ally's reader pool does.
func sqliteReaderDSN(path string) string {
	return "file:" + path + "?" + strings.Join([]string{
		"_pragma=busy_timeout(5000)", "_pragma=mmap_size(268435456)", "_pragma=query_only(1)",
	}, "&")
}
