// Package browsertest holds Ally's browser tests: they build the ally
// binary, run "ally serve" on SQLite (and PostgreSQL when
// ALLY_TEST_POSTGRES_URL is set) with a real SMTP server of the test's own,
// and drive the admin UI and the partner portal in headless Chromium. The
// package has no code but this; everything is in its _test.go files.
//
// Run with ALLY_UPDATE_SCREENSHOTS=1 to refresh docs/screenshots.
package browsertest
