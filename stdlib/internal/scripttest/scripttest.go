// Package scripttest runs scripts for the tests of the standard modules: a
// script on a goroutine in a VM of its own with every standard module, the
// ports it listens on, what it printed, and test certificates.
package scripttest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yieldscript/yieldscript"
)

// Script is a script running on a goroutine in a VM of its own.
type Script struct {
	cancel context.CancelFunc
	done   chan struct{}
	ports  chan []int
	// Set by the goroutine before done is closed.
	out, errOut bytes.Buffer
	err         error
}

// Start runs src with every standard module, the Go functions in funcs
// and ready(port, ...), which hands the ports the script listens on to
// Port(). The script is cancelled and its VM closed when the test ends.
func Start(t *testing.T, src string, funcs map[string]any) *Script {
	t.Helper()
	s := &Script{done: make(chan struct{}), ports: make(chan []int, 1)}
	v := yieldscript.New(yieldscript.Options{Modules: yieldscript.AllModules, Stdout: &s.out, Stderr: &s.errOut})
	ready := func(ports ...int) {
		select {
		case s.ports <- ports:
		default: // only the first call counts
		}
	}
	if err := v.SetFunc("ready", ready); err != nil {
		t.Fatal(err)
	}
	for name, f := range funcs {
		if err := v.SetFunc(name, f); err != nil {
			t.Fatal(name, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	s.cancel = cancel
	go func() {
		defer close(s.done)
		s.err = v.RunString(ctx, "interop.ys", src)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("the script did not end when cancelled")
		}
		v.Close()
	})
	return s
}

// Port gives the i-th port the script passed to ready().
func (s *Script) Port(t *testing.T, i int) int {
	t.Helper()
	select {
	case p := <-s.ports:
		s.ports <- p
		return p[i]
	case <-s.done:
		t.Fatalf("the script ended before it listened: %v\n%s", s.err, s.errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatal("the script did not listen")
	}
	return 0
}

// Wait waits for the script to end by itself and gives what it printed and
// its error.
func (s *Script) Wait(t *testing.T) (string, string, error) {
	t.Helper()
	select {
	case <-s.done:
		return s.out.String(), s.errOut.String(), s.err
	case <-time.After(30 * time.Second):
		t.Fatal("the script did not end")
	}
	return "", "", nil
}

// Stop cancels the script and checks that it ended because of that, and
// that its stderr is empty, or, given wantErr, holds each of them in order.
func (s *Script) Stop(t *testing.T, wantErr ...string) {
	t.Helper()
	s.cancel()
	_, errText, err := s.Wait(t)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled script ended with %v", err)
	}
	rest := errText
	for _, w := range wantErr {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("stderr of the server script lacks %q:\n%s", w, errText)
			return
		}
		rest = rest[i+len(w):]
	}
	if len(wantErr) == 0 && errText != "" {
		t.Errorf("stderr of the server script:\n%s", errText)
	}
}

// RunClient runs src to its end and gives what it printed; the script
// must end without an error.
func RunClient(t *testing.T, src string, funcs map[string]any) string {
	t.Helper()
	out, errText, err := Start(t, src, funcs).Wait(t)
	if err != nil {
		t.Fatalf("script failed: %v\nstderr:\n%s\nstdout:\n%s", err, errText, out)
	}
	if errText != "" {
		t.Errorf("stderr:\n%s", errText)
	}
	return out
}

// OpenFDs counts the descriptors the process has open.
func OpenFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

// Certs are PEM files in a temporary directory: a CA, a server
// certificate it signed for localhost and 127.0.0.1, and a self-signed
// certificate no one trusts.
type Certs struct {
	CA, Cert, Key, SelfCert, SelfKey string
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func MakeCerts(t *testing.T) Certs {
	t.Helper()
	dir := t.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	writeKey := func(path string, k *ecdsa.PrivateKey) {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, path, "PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := newKey()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "localhost"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
	}
	srvKey := newKey()
	srvDER, err := x509.CreateCertificate(rand.Reader, leaf(2), caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	selfKey := newKey()
	selfDER, err := x509.CreateCertificate(rand.Reader, leaf(3), leaf(3), &selfKey.PublicKey, selfKey)
	if err != nil {
		t.Fatal(err)
	}
	c := Certs{
		CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem"),
		SelfCert: filepath.Join(dir, "self.pem"), SelfKey: filepath.Join(dir, "selfkey.pem"),
	}
	writePEM(t, c.CA, "CERTIFICATE", caDER)
	writePEM(t, c.Cert, "CERTIFICATE", srvDER)
	writeKey(c.Key, srvKey)
	writePEM(t, c.SelfCert, "CERTIFICATE", selfDER)
	writeKey(c.SelfKey, selfKey)
	return c
}

// Cancel cancels the script without waiting for it to end.
func (s *Script) Cancel() { s.cancel() }

// Stdout is what the script has printed so far.
func (s *Script) Stdout() string { return s.out.String() }
