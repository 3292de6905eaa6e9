package allytest

import (
	"bufio"
	"errors"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Process is a running "ally serve".
type Process struct {
	URL  string    // where it listens, http://127.0.0.1:port
	Cmd  *exec.Cmd // the process, to signal it
	Logs *Logs     // what it logged on stderr so far

	tb     testing.TB
	exited chan struct{}
	err    error // the exit, once exited is closed
}

var listening = regexp.MustCompile(`listening on (http://[^\s"]+)`)

// Serve starts "ally serve" of the binary bin on a free port with the
// backend's environment plus extraEnv, and waits until /readyz answers 200.
// When the test ends it kills the process, fails the test if the race
// detector reported in the log, and prints the log if the test failed.
func (b Backend) Serve(tb testing.TB, bin string, extraEnv ...string) *Process {
	tb.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = b.Env(append([]string{"ALLY_ADDR=127.0.0.1:0"}, extraEnv...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	p := &Process{Cmd: cmd, Logs: &Logs{}, tb: tb, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.Logs.add(sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		p.err = cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() {
		p.Kill()
		if strings.Contains(p.Logs.String(), "WARNING: DATA RACE") {
			tb.Error("the race detector found a data race in ally serve")
		}
		if tb.Failed() {
			tb.Logf("ally serve (%s) logs:\n%s", b.Name, p.Logs)
		}
	})
	select {
	case p.URL = <-found:
	case <-p.exited:
		tb.Fatalf("ally serve exited at start: %v\n%s", p.err, p.Logs)
	case <-time.After(30 * time.Second):
		tb.Fatalf("ally serve did not say where it listens within 30s:\n%s", p.Logs)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(p.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s/readyz not 200 within 15s: %v\n%s", p.URL, err, p.Logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the process with SIGKILL: no shutdown code runs.
func (p *Process) Kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// Stop sends SIGTERM and returns the exit status once the process has ended.
func (p *Process) Stop() (exitCode int) {
	p.tb.Helper()
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	return p.Wait()
}

// Wait waits (30 seconds at most) for the process to end and returns its
// exit status.
func (p *Process) Wait() int {
	p.tb.Helper()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.tb.Fatalf("ally serve did not exit:\n%s", p.Logs)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.tb.Fatalf("waiting for ally serve: %v", p.err)
	}
	return 0
}

// Logs collects the log lines of a process from a goroutine.
type Logs struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *Logs) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(line + "\n")
}

// String is everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
