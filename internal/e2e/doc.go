// Package e2e holds black-box tests of Ally's whole HTTP surface: the
// admin UI, the partner portal and the JSON API served together by one mux
// over a real store, as the binary serves them. It has no code of its own.
package e2e
