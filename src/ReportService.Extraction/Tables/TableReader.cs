using ReportService.Statutory.Tables;

namespace ReportService.Extraction.Tables;

/// <summary>
/// Reads a table by its row labels: each row's cells are what is printed between its label and the next row's.
/// This does not depend on the layout (tabs, spaces, one cell per line, a whole report on one line), and a row
/// that is missing, misspelt beyond recognition or moved does not shift the others.
/// </summary>
internal static class TableReader
{
    public static List<RowReading> ReadRows(SourceText source, IReadOnlyList<RowSpec> specs, int from, int to, Func<RowSpec, Func<IReadOnlyList<decimal>, bool>?> identityOf, bool alignedHeader = false)
    {
        var located = new List<(RowSpec Spec, int? LabelStart, int CellsStart)>();
        var position = from;
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var limit = to;
            if (spec.WeakLabel && i + 1 < specs.Count && Locate(source, specs[i + 1], position, to) is { } next)
            {
                limit = next.Start;
            }

            if (Locate(source, spec, position, limit) is { } found)
            {
                located.Add((spec, LabelStart(source, found.Start, spec.Numbering, position), found.End));
                position = found.End;
            }
            else
            {
                located.Add((spec, null, 0));
            }
        }

        var firstLabel = located.FirstOrDefault(l => l.LabelStart is not null).LabelStart;
        var columns = alignedHeader && firstLabel is { } headerEnd ? ColumnLayout.Table3(source, from, headerEnd) : null;
        var rows = new List<RowReading>(located.Count);
        for (var i = 0; i < located.Count; i++)
        {
            var (spec, labelStart, cellsStart) = located[i];
            if (labelStart is null)
            {
                rows.Add(RowAligner.Align(source, spec, null, [], null));
                continue;
            }

            var cellsEnd = to;
            for (var j = i + 1; j < located.Count; j++)
            {
                if (located[j].LabelStart is { } nextStart)
                {
                    cellsEnd = nextStart;
                    break;
                }
            }

            // A label printed twice, as a heading over the row's own little table and again as the row's label
            // ("### (一) 予以公开", "| 类别 | 数据1 | …", "| 予以公开 | 290 | …"): the cells follow its last printing.
            while (source.FindAny(spec.Keywords, cellsStart, cellsEnd) is { } again)
            {
                cellsStart = again.End;
            }

            cellsStart = AfterLabelNote(source, cellsStart, cellsEnd);
            var slots = SlotReader.Read(source, cellsStart, Math.Max(cellsStart, cellsEnd));
            rows.Add(RowAligner.Align(source, spec, labelStart, slots, identityOf(spec), columns));
        }

        return rows;
    }

    private static (int Start, int End)? Locate(SourceText source, RowSpec spec, int from, int to) =>
        source.FindAny(spec.Preferred, from, to) ?? source.FindAny(spec.Keywords, from, to);

    /// <summary>
    /// Where a row's label begins, found from the label word by walking back over the label's characters and its
    /// printed number ("1." of "1.属于国家秘密", only when it is the number this row carries), so that in
    /// run-together text ("…0000000(三)不予公开1.属于国家秘密0000000") the previous row's digits are not taken
    /// for part of the label, nor the label's number for a cell.
    /// </summary>
    private static int LabelStart(SourceText source, int keywordStart, int? numbering, int floor)
    {
        var text = source.Text;
        var p = keywordStart;
        while (p > floor)
        {
            var c = text[p - 1];
            if ((c is '.' or '、') && p - 2 >= floor && char.IsAsciiDigit(text[p - 2]))
            {
                var q = p - 1;
                while (q > floor && char.IsAsciiDigit(text[q - 1]))
                {
                    q--;
                }

                if (numbering is { } n && text[q..(p - 1)] == n.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    p = q;
                    continue;
                }

                // A whole table on one line runs the previous row's digits into this row's number
                // ("1.属于国家秘密00000002.其他法律…"): the number is the digits' end, the rest are that row's cells.
                if (numbering is { } m && m.ToString(System.Globalization.CultureInfo.InvariantCulture) is var label &&
                    text.AsSpan(q, p - 1 - q).EndsWith(label, StringComparison.Ordinal))
                {
                    p = p - 1 - label.Length;
                    continue;
                }

                break;
            }

            if (IsLabelCharacter(c))
            {
                p--;
                continue;
            }

            break;
        }

        return p;
    }

    /// <summary>
    /// After a label's note in brackets, which column-aligned text wraps onto the next line ("(二)部分公开(区分处理的,只计这一情"
    /// / "形,不计其他情形) 447 7 …"): the cells start after its closing bracket. A bracket that holds a digit, or does not
    /// close soon, is no label note, and the cells start where they did.
    /// </summary>
    private static int AfterLabelNote(SourceText source, int start, int end)
    {
        var text = source.Text;
        if (start >= end || text[start] != '(')
        {
            return start;
        }

        for (var q = start + 1; q < end && q < start + MaxLabelNote; q++)
        {
            if (char.IsAsciiDigit(text[q]))
            {
                return start;
            }

            if (text[q] == ')')
            {
                return q + 1;
            }
        }

        return start;
    }

    /// <summary>The longest bracketed note a statutory label carries ("(区分处理的,只计这一情形,不计其他情形)"), with room for line breaks.</summary>
    private const int MaxLabelNote = 40;

    private static bool IsLabelCharacter(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or '(' or ')' or '“' or '”' or '"' or '、' or '〔' or '〕' or '《' or '》';

    /// <summary>Table 3's row identity: the six applicant columns add up to 总计.</summary>
    public static bool Table3RowTotal(IReadOnlyList<decimal> cells) => cells.Take(6).Sum() == cells[6];

    /// <summary>Table 4's identity: in each group of five, the first four add up to 总计.</summary>
    public static bool Table4GroupTotals(IReadOnlyList<decimal> cells) =>
        Enumerable.Range(0, 3).All(g => cells.Skip(g * 5).Take(4).Sum() == cells[(g * 5) + 4]);

    /// <summary>
    /// Settles the rows whose run-together digits had several readings, by the identities that tie table 3's rows
    /// together per column (（七）总计 is the sum of the outcome rows; 一 + 二 = 三 + 四). One consistent reading:
    /// inferred. Several: the cells on which they all agree are inferred, the others ambiguous. None: ambiguous.
    /// </summary>
    public static void SolveTable3(SourceText source, IReadOnlyList<RowReading> rows)
    {
        var open = rows.Where(r => r.NeedsSolving).ToList();
        if (open.Count == 0)
        {
            return;
        }

        foreach (var row in open.Where(r => r.Candidates!.Count == 1))
        {
            RowAligner.Settle(source, row, row.Candidates![0], "run-together digits: the only split whose applicant columns add up to 总计");
            row.Candidates = null;
        }

        open = [.. open.Where(r => r.NeedsSolving)];
        if (open.Count == 0)
        {
            return;
        }

        var combinations = open.Aggregate(1L, (product, r) => Math.Min(product * r.Candidates!.Count, long.MaxValue / 1024));
        var solutions = new List<RowCandidate[]>();
        if (combinations <= MaxCombinations)
        {
            var check = new IdentityCheck(rows, open);
            var choice = new RowCandidate[open.Count];
            void Walk(int index)
            {
                if (solutions.Count > 64)
                {
                    return;
                }

                if (index == open.Count)
                {
                    if (check.Holds(choice))
                    {
                        solutions.Add([.. choice]);
                    }

                    return;
                }

                foreach (var candidate in open[index].Candidates!)
                {
                    choice[index] = candidate;
                    Walk(index + 1);
                }
            }

            Walk(0);
        }

        for (var k = 0; k < open.Count; k++)
        {
            var row = open[k];
            if (solutions.Count == 0)
            {
                RowAligner.SetAmbiguous(row, row.Candidates!, combinations > MaxCombinations
                    ? "run-together digits: too many readings to check against the table's identities"
                    : "run-together digits: no reading makes the table's identities hold");
            }
            else
            {
                var picks = solutions.Select(s => s[k]).Distinct().ToList();
                if (picks.Count == 1)
                {
                    RowAligner.Settle(source, row, picks[0], "run-together digits: the only reading that makes the table's identities hold");
                }
                else
                {
                    RowAligner.SettleAgreeing(source, row, picks, "run-together digits: several readings make the table's identities hold");
                }
            }

            row.Candidates = null;
        }
    }

    /// <summary>Readings of the whole table checked against its identities; more are not tried (the rows stay ambiguous).</summary>
    private const long MaxCombinations = 100_000;

    /// <summary>
    /// Table 3's column identities over the settled cells and one choice of reading per open row, precomputed so
    /// that trying a combination costs a few additions per column.
    /// </summary>
    private sealed class IdentityCheck
    {
        private readonly decimal?[][] _fixed;
        private readonly int[] _openRow;
        private readonly int[] _leaves;
        private readonly int _total;
        private readonly int _received;
        private readonly int _carriedOver;
        private readonly int _forward;

        public IdentityCheck(IReadOnlyList<RowReading> rows, List<RowReading> open)
        {
            _fixed = [.. rows.Select(r => r.Cells.Select(c => c?.Status is ExtractionStatus.Read or ExtractionStatus.Inferred ? c.Value : null).ToArray())];
            _openRow = [.. rows.Select(r => open.IndexOf(r))];
            int Index(string key) => rows.Select((r, i) => (r, i)).FirstOrDefault(x => x.r.Spec.Key == key, (null!, -1)).Item2;
            _total = Index("total");
            _received = Index("received");
            _carriedOver = Index("carriedOver");
            _forward = Index("carriedForward");
            _leaves = [.. rows.Select((r, i) => (r, i)).Where(x => x.r.Spec.Key is not ("received" or "carriedOver" or "total" or "carriedForward")).Select(x => x.i)];
        }

        public bool Holds(RowCandidate[] choice)
        {
            for (var column = 0; column < Table3.Columns.Count; column++)
            {
                var total = Cell(_total, column, choice);
                if (total is { } t)
                {
                    decimal sum = 0;
                    var complete = true;
                    foreach (var leaf in _leaves)
                    {
                        if (Cell(leaf, column, choice) is { } v)
                        {
                            sum += v;
                        }
                        else
                        {
                            complete = false;
                            break;
                        }
                    }

                    if (complete && sum != t)
                    {
                        return false;
                    }
                }

                if (Cell(_received, column, choice) is { } a && Cell(_carriedOver, column, choice) is { } b && total is { } c && Cell(_forward, column, choice) is { } d && a + b != c + d)
                {
                    return false;
                }
            }

            return true;
        }

        private decimal? Cell(int row, int column, RowCandidate[] choice)
        {
            if (row < 0)
            {
                return null;
            }

            var k = _openRow[row];
            return k >= 0 ? choice[k].Cells[column]!.Value.Value : _fixed[row][column];
        }
    }
}
