//go:build race

package allytest

// raceEnabled says the tests run with -race, so the binary is built with it too.
const raceEnabled = true
