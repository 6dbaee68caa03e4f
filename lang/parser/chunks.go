package parser

import (
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// minChunk is the least number of tokens worth parsing on a goroutine of
// its own.
const minChunk = 4096

// parseProgram parses the tokens of a file. A large file is cut at the ends
// of top-level statements (boundaries holds the indexes of the EOL tokens
// that end them) and the pieces are parsed in parallel: a top-level
// statement never spans such an EOL, so each piece is itself a program, and
// the first error in source order is the one a single parse would report.
func parseProgram(tokens []lexer.Token, boundaries []int) (*program, error) {
	n := runtime.GOMAXPROCS(0)
	if m := len(tokens) / minChunk; m < n {
		n = m
	}
	return parsePieces(tokens, boundaries, n)
}

// parsePieces parses tokens in up to n pieces.
func parsePieces(tokens []lexer.Token, boundaries []int, n int) (*program, error) {
	if n < 2 {
		return parseFile(tokens)
	}
	// Cut after the first boundary at or past each n-th of the tokens.
	var cuts []int
	for i := 1; i < n; i++ {
		target := len(tokens) * i / n
		j := sort.SearchInts(boundaries, target)
		if j == len(boundaries) {
			break
		}
		cut := boundaries[j] + 1
		if cut >= len(tokens)-1 || len(cuts) > 0 && cut <= cuts[len(cuts)-1] {
			continue
		}
		cuts = append(cuts, cut)
	}
	if len(cuts) == 0 {
		return parseFile(tokens)
	}
	cuts = append(cuts, len(tokens))

	trees := make([]*program, len(cuts))
	errs := make([]error, len(cuts))
	var wg sync.WaitGroup
	start := 0
	for i, cut := range cuts {
		piece := tokens[start:cut:cut]
		if cut < len(tokens) {
			piece = append(piece, lexer.EOFToken(tokens[cut].Pos))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("internal parser error: %v", r)
				}
			}()
			trees[i], errs[i] = parseFile(piece)
		}()
		start = cut
	}
	wg.Wait()

	out := &program{}
	for i, err := range errs {
		if err != nil {
			return nil, err
		}
		out.Stmts = append(out.Stmts, trees[i].Stmts...)
	}
	return out, nil
}
