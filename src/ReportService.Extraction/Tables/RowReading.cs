namespace ReportService.Extraction.Tables;

/// <summary>One way of reading a row: a value and its source span for every cell (null where blank).</summary>
internal sealed record RowCandidate(IReadOnlyList<(decimal Value, int Start, int Length)?> Cells);

/// <summary>
/// A row as read: either settled (every cell read or blank), or a set of candidate segmentations of run-together
/// digits still to be narrowed by the table's identities.
/// </summary>
internal sealed class RowReading
{
    public RowReading(RowSpec spec, int? labelStart)
    {
        Spec = spec;
        LabelStart = labelStart;
        Cells = new ExtractedCell?[spec.Columns];
    }

    public RowSpec Spec { get; }

    /// <summary>Null when the row's label was not found.</summary>
    public int? LabelStart { get; }

    /// <summary>Settled cells; null entries are decided later (from <see cref="Candidates"/>).</summary>
    public ExtractedCell?[] Cells { get; }

    /// <summary>Segmentations of run-together digits that satisfy the row's own identity.</summary>
    public List<RowCandidate>? Candidates { get; set; }

    /// <summary>Everything the row's digits could be split into, before identities (for the ambiguous answer).</summary>
    public List<RowCandidate>? AllSegmentations { get; set; }

    public bool NeedsSolving => Candidates is not null;

    public List<string> Warnings { get; } = [];
}

/// <summary>Turns a row's slots into cells: positional where the layout allows, segmentation where digits run together.</summary>
internal static class RowAligner
{
    /// <summary>Enumerating more segmentations than this is not worth it: the row is reported ambiguous.</summary>
    private const int MaxSegmentations = 20_000;

    /// <summary>No count or amount printed in a report has more digits than this.</summary>
    private const int MaxDigitsPerCell = 12;

    public static RowReading Align(SourceText source, RowSpec spec, int? labelStart, List<Slot> slots, Func<IReadOnlyList<decimal>, bool>? rowIdentity, ColumnLayout? columns = null)
    {
        var row = new RowReading(spec, labelStart);
        var c = spec.Columns;
        if (labelStart is null)
        {
            for (var i = 0; i < c; i++)
            {
                row.Cells[i] = new ExtractedCell(spec.Pointers[i], ExtractionStatus.Missing, null, null) { Note = "row not found in the document" };
            }

            return row;
        }

        // A blank anywhere in the row, trailing ones included, shows that this layout prints empty cells, so
        // positions can be trusted and fewer numbers than columns means blanks, not digits run together.
        var explicitBlanks = slots.Count(s => s.Kind == SlotKind.Blank);
        var list = new List<Slot>(slots);
        while (list.Count > 0 && list[^1].Kind == SlotKind.Blank && !list[^1].IsPlaceholder)
        {
            list.RemoveAt(list.Count - 1);
        }

        var numbers = list.Count(s => s.Kind == SlotKind.Number);
        while (list.Count > c && list[0].Kind == SlotKind.Blank)
        {
            list.RemoveAt(0);
        }

        if (numbers == 0)
        {
            for (var i = 0; i < c; i++)
            {
                var placeholder = list.Count == c && list[i].IsPlaceholder ? list[i] : null;
                row.Cells[i] = Blank(source, spec.Pointers[i], placeholder, list.Count == c || explicitBlanks > 0 ? "blank as printed" : "no value printed");
            }

            return row;
        }

        if (list.Count >= c || (explicitBlanks > 0 && list.Count < c))
        {
            if (list.Count > c)
            {
                row.Warnings.Add($"{spec.Key}: {list.Count} cells printed for {c} columns; the first {c} were taken");
            }

            for (var i = 0; i < c; i++)
            {
                if (i >= list.Count)
                {
                    row.Cells[i] = Blank(source, spec.Pointers[i], null, "blank as printed");
                    continue;
                }

                var slot = list[i];
                row.Cells[i] = slot.Kind == SlotKind.Blank
                    ? Blank(source, spec.Pointers[i], slot.IsPlaceholder ? slot : null, "blank as printed")
                    : Checked(source, spec, i, slot);
            }

            return row;
        }

        var tokens = list.Where(s => s.Kind == SlotKind.Number).ToList();

        // Column-aligned text shows blanks only as gaps: numbers that sit clearly under distinct header labels are
        // placed there (a single number could as well be digits run together, so it is not placed this way).
        if (columns is not null && tokens.Count >= 2 && columns.Place(tokens) is { } placed)
        {
            for (var i = 0; i < c; i++)
            {
                var k = Array.IndexOf(placed, i);
                row.Cells[i] = k < 0
                    ? new ExtractedCell(spec.Pointers[i], ExtractionStatus.Missing, null, null) { Note = "blank: a gap under its column label" }
                    : new ExtractedCell(spec.Pointers[i], ExtractionStatus.Inferred, tokens[k].Value, source.SourceOf(tokens[k].Start, tokens[k].Length))
                    {
                        Note = "placed under its column label by the text's alignment",
                    };
            }

            return row;
        }

        // Fewer numbers than columns and no blank shown: digits of several cells ran together.
        var all = Segment(tokens, c);
        row.AllSegmentations = all;
        if (all is null)
        {
            SetAmbiguous(source, row, tokens, "too many ways to split the run-together digits");
            return row;
        }

        var fitting = all.Where(candidate => Fits(spec, candidate) && (rowIdentity is null || rowIdentity([.. candidate.Cells.Select(x => x!.Value.Value)]))).ToList();
        if (fitting.Count == 0)
        {
            SetAmbiguous(source, row, tokens, all.Count == 0
                ? $"{tokens.Count} printed numbers cannot fill {c} cells"
                : "no way of splitting the run-together digits satisfies the row's total");
            return row;
        }

        row.Candidates = fitting;
        return row;
    }

    /// <summary>Fixes a row to one candidate, marking its cells inferred.</summary>
    public static void Settle(SourceText source, RowReading row, RowCandidate candidate, string note)
    {
        for (var i = 0; i < row.Spec.Columns; i++)
        {
            var cell = candidate.Cells[i]!.Value;
            row.Cells[i] = new ExtractedCell(row.Spec.Pointers[i], ExtractionStatus.Inferred, cell.Value, source.SourceOf(cell.Start, cell.Length)) { Note = note };
        }
    }

    /// <summary>Marks a row's cells ambiguous, keeping every cell on which all the given candidates agree.</summary>
    public static void SettleAgreeing(SourceText source, RowReading row, IReadOnlyList<RowCandidate> candidates, string note)
    {
        for (var i = 0; i < row.Spec.Columns; i++)
        {
            var values = candidates.Select(x => x.Cells[i]!.Value.Value).Distinct().Order().ToList();
            var first = candidates[0].Cells[i]!.Value;
            row.Cells[i] = values.Count == 1
                ? new ExtractedCell(row.Spec.Pointers[i], ExtractionStatus.Inferred, values[0], source.SourceOf(first.Start, first.Length)) { Note = note }
                : new ExtractedCell(row.Spec.Pointers[i], ExtractionStatus.Ambiguous, null, null) { Candidates = values, Note = note };
        }
    }

    /// <summary>Marks every cell of a row ambiguous, with the values the given readings give it.</summary>
    public static void SetAmbiguous(RowReading row, IReadOnlyList<RowCandidate> candidates, string note)
    {
        for (var i = 0; i < row.Spec.Columns; i++)
        {
            var values = candidates.Select(x => x.Cells[i]!.Value.Value).Distinct().Order().ToList();
            row.Cells[i] = new ExtractedCell(row.Spec.Pointers[i], ExtractionStatus.Ambiguous, null, null) { Candidates = values, Note = note };
        }
    }

    private static void SetAmbiguous(SourceText source, RowReading row, List<Slot> tokens, string note)
    {
        var span = tokens.Count > 0 ? source.SourceOf(tokens[0].Start, tokens[^1].Start + tokens[^1].Length - tokens[0].Start) : null;
        for (var i = 0; i < row.Spec.Columns; i++)
        {
            var values = row.AllSegmentations is { Count: > 0 } all
                ? all.Select(x => x.Cells[i]!.Value.Value).Distinct().Order().ToList()
                : [];
            row.Cells[i] = new ExtractedCell(row.Spec.Pointers[i], ExtractionStatus.Ambiguous, null, span) { Candidates = values, Note = note };
        }
    }

    private static ExtractedCell Blank(SourceText source, string pointer, Slot? placeholder, string note) =>
        new(pointer, ExtractionStatus.Missing, null, placeholder is null ? null : source.SourceOf(placeholder.Start, placeholder.Length))
        {
            Note = placeholder is null ? note : $"printed \"{placeholder.Token}\" instead of a number",
        };

    private static ExtractedCell Checked(SourceText source, RowSpec spec, int index, Slot slot)
    {
        if (slot.Value is not { } value)
        {
            return new ExtractedCell(spec.Pointers[index], ExtractionStatus.Ambiguous, null, source.SourceOf(slot.Start, slot.Length))
            {
                Note = $"\"{slot.Token}\" is too long to be one number",
            };
        }

        var kind = spec.Kinds[index];
        var fits = kind switch
        {
            CellKind.Amount => value >= 0,
            CellKind.SignedCount => decimal.Truncate(value) == value,
            _ => value >= 0 && decimal.Truncate(value) == value,
        };
        return fits
            ? new ExtractedCell(spec.Pointers[index], ExtractionStatus.Read, value, source.SourceOf(slot.Start, slot.Length))
            : new ExtractedCell(spec.Pointers[index], ExtractionStatus.Ambiguous, null, source.SourceOf(slot.Start, slot.Length))
            {
                Candidates = [value],
                Note = $"\"{slot.Token}\" is not a valid value for this cell",
            };
    }

    private static bool Fits(RowSpec spec, RowCandidate candidate) =>
        candidate.Cells.Select((cell, i) => spec.Kinds[i] == CellKind.SignedCount || cell!.Value.Value >= 0).All(ok => ok);

    /// <summary>
    /// Every way to split the tokens, in order, into exactly <paramref name="cells"/> numbers: a token splits only
    /// between digits, a part never has a leading zero ("05" is not a count), an atomic token stays whole.
    /// Null when there are more than <see cref="MaxSegmentations"/>.
    /// </summary>
    internal static List<RowCandidate>? Segment(IReadOnlyList<Slot> tokens, int cells)
    {
        var results = new List<RowCandidate>();
        if (tokens.Sum(t => t.Atomic ? 1 : t.Digits.Length) > cells * MaxDigitsPerCell || tokens.Any(t => t.Atomic && t.Value is null))
        {
            return results;
        }

        var current = new List<(decimal, int, int)?>();
        var overflow = false;

        void Walk(int token, int remaining)
        {
            if (overflow)
            {
                return;
            }

            if (token == tokens.Count)
            {
                if (remaining == 0)
                {
                    if (results.Count >= MaxSegmentations)
                    {
                        overflow = true;
                        return;
                    }

                    results.Add(new RowCandidate([.. current]));
                }

                return;
            }

            var slot = tokens[token];
            var tokensLeft = tokens.Count - token - 1;
            if (slot.Atomic)
            {
                if (remaining - 1 >= tokensLeft)
                {
                    current.Add((slot.Value!.Value, slot.Start, slot.Length));
                    Walk(token + 1, remaining - 1);
                    current.RemoveAt(current.Count - 1);
                }

                return;
            }

            SplitDigits(slot, 0, token, remaining, tokensLeft);
        }

        void SplitDigits(Slot slot, int from, int token, int remaining, int tokensLeft)
        {
            var digits = slot.Digits;
            if (from == digits.Length)
            {
                Walk(token + 1, remaining);
                return;
            }

            if (remaining - 1 < tokensLeft)
            {
                return;
            }

            // Leave at least one cell per later token, and at most one digit per remaining cell.
            var maxLength = digits[from] == '0' ? 1 : Math.Min(digits.Length - from, MaxDigitsPerCell);
            for (var length = 1; length <= maxLength; length++)
            {
                var rest = digits.Length - from - length;
                if ((rest > 0 && remaining - 1 == tokensLeft) || rest > (remaining - 1 - tokensLeft) * MaxDigitsPerCell)
                {
                    continue;
                }

                var value = decimal.Parse(digits.AsSpan(from, length), System.Globalization.CultureInfo.InvariantCulture);
                var signed = slot.Negative && from == 0;
                current.Add(signed ? (-value, slot.DigitsStart - 1, length + 1) : (value, slot.DigitsStart + from, length));
                SplitDigits(slot, from + length, token, remaining - 1, tokensLeft);
                current.RemoveAt(current.Count - 1);
                if (overflow)
                {
                    return;
                }
            }
        }

        Walk(0, cells);
        return overflow ? null : results;
    }
}
