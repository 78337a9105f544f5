using System.Globalization;
using System.Text.RegularExpressions;

namespace ReportService.Extraction.Tables;

internal enum SlotKind
{
    /// <summary>A printed number (possibly several cells run together).</summary>
    Number,

    /// <summary>An explicit empty cell ("| |", two tabs) or a placeholder ("/", "—").</summary>
    Blank,
}

/// <summary>A cell position as printed: a number token or an explicit blank, with its offsets.</summary>
internal sealed record Slot(SlotKind Kind, int Start, int Length, string Token)
{
    /// <summary>Digits only (no separators, sign or unit): what run-together segmentation splits.</summary>
    public string Digits { get; init; } = "";

    /// <summary>Offset of <see cref="Digits"/>' first digit in the text.</summary>
    public int DigitsStart { get; init; }

    /// <summary>True when the token can only be one cell (thousands separators, decimals, a sign, a unit).</summary>
    public bool Atomic { get; init; }

    public decimal? Value { get; init; }

    /// <summary>
    /// Digits after a minus sign that ran into the previous cell ("2648-18538"): splittable like any digits, the sign
    /// belonging to the first cell split off.
    /// </summary>
    public bool Negative { get; init; }

    public bool IsPlaceholder => Kind == SlotKind.Blank && Length > 0;
}

/// <summary>
/// Splits the text that follows a row label into cell positions, whatever the layout: cells separated by
/// "|" (markdown, or one cell per line ending in "|"), by tabs, or by spaces and line breaks. An empty cell
/// is kept as a blank only where the layout shows it (between two separators); spaces cannot show one.
/// Reading stops at the first text that is not a number or a placeholder: the next label or heading.
/// </summary>
internal static partial class SlotReader
{
    public static List<Slot> Read(SourceText source, int start, int end)
    {
        var slots = new List<Slot>();
        var text = source.Text;
        var first = true;
        var separatorLines = SeparatorLines(text, start, end);
        var lastWasPipe = false;
        var lineStart = start;
        while (lineStart < end)
        {
            var newline = text.IndexOf('\n', lineStart, end - lineStart);
            var lineEnd = newline < 0 ? end : newline;
            var line = text[lineStart..lineEnd];
            if (separatorLines && !first && line.Trim() is { Length: > 0 } bare && bare.All(c => c == '|'))
            {
                // Cells on lines of their own with "|" lines between them: two "|" lines in a row enclose an empty cell.
                if (lastWasPipe)
                {
                    slots.Add(new Slot(SlotKind.Blank, lineStart + line.IndexOf('|'), 0, ""));
                }

                lastWasPipe = true;
            }
            else if (!string.IsNullOrWhiteSpace(line) && !PageMark().IsMatch(line))
            {
                lastWasPipe = false;
                foreach (var (pieceStart, pieceLength) in Pieces(line, lineStart, first))
                {
                    if (!AddPiece(text, pieceStart, pieceLength, slots, pieceStart == start))
                    {
                        return slots;
                    }
                }
            }

            first = false;
            lineStart = lineEnd + 1;
        }

        return slots;
    }

    /// <summary>
    /// True when the cells stand on lines of their own and "|" stands alone on the lines between them (some sites'
    /// exports), as opposed to each cell's line ending in "|" (where "|" alone is an empty cell).
    /// </summary>
    private static bool SeparatorLines(string text, int start, int end)
    {
        var pipeLines = false;
        foreach (var line in text[start..end].Split('\n').Skip(1))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && trimmed.All(c => c == '|'))
            {
                pipeLines = true;
            }
            else if (trimmed.Contains('|') && trimmed.AsSpan().IndexOfAnyInRange('0', '9') >= 0)
            {
                return false;
            }
        }

        return pipeLines;
    }

    private static List<(int Start, int Length)> Pieces(string line, int offset, bool first)
    {
        var trimmed = line.Trim();
        if (line.Contains('|'))
        {
            var pipes = trimmed.Count(c => c == '|');
            if (!first && pipes == trimmed.Length)
            {
                // "|" alone is one empty cell (one cell per line, each ending in "|"). A run "||||" is what is left
                // of merged or collapsed cells: it shows neither how many cells are empty nor where, so it is no
                // evidence of a blank ("3 |", "3 |", "|||||||" must not make the second 3 商业企业).
                return pipes == 1 ? [(offset + line.IndexOf('|'), 0)] : [];
            }

            var pieces = Split(line, offset, '|');
            if (!first && trimmed.StartsWith('|'))
            {
                pieces.RemoveAt(0);
            }

            if (trimmed.EndsWith('|') && pieces.Count > 0)
            {
                pieces.RemoveAt(pieces.Count - 1);
            }

            return pieces;
        }

        return line.Contains('\t') ? Split(line, offset, '\t') : [(offset, line.Length)];
    }

    private static List<(int Start, int Length)> Split(string line, int offset, char separator)
    {
        var pieces = new List<(int, int)>();
        var from = 0;
        for (var i = 0; i <= line.Length; i++)
        {
            if (i == line.Length || line[i] == separator)
            {
                pieces.Add((offset + from, i - from));
                from = i + 1;
            }
        }

        return pieces;
    }

    /// <summary>Adds the slots of one piece; false when the piece holds text, which ends the row.</summary>
    private static bool AddPiece(string text, int start, int length, List<Slot> slots, bool labelTail)
    {
        var piece = text.AsSpan(start, length);
        if (labelTail)
        {
            // The first piece after a label may still hold the rest of the label ("(区分处理的,…)"): skip to
            // the first character a cell can start with.
            var skip = 0;
            while (skip < piece.Length && !CanStartCell(piece, skip))
            {
                skip++;
            }

            start += skip;
            length -= skip;
            piece = piece[skip..];
            if (piece.IsWhiteSpace())
            {
                return true;
            }
        }

        if (piece.IsWhiteSpace())
        {
            slots.Add(new Slot(SlotKind.Blank, start, 0, ""));
            return true;
        }

        var i = 0;
        while (i < piece.Length)
        {
            while (i < piece.Length && char.IsWhiteSpace(piece[i]))
            {
                i++;
            }

            var tokenStart = i;
            while (i < piece.Length && !char.IsWhiteSpace(piece[i]))
            {
                i++;
            }

            if (i == tokenStart)
            {
                break;
            }

            var token = piece[tokenStart..i].ToString();
            var slot = Classify(token, start + tokenStart);
            if (slot is null)
            {
                if (MarkdownRule().IsMatch(token))
                {
                    continue;
                }

                // A table on one line runs a row's digits into the heading that follows ("1000001三、本年度办理结果",
                // "42第二十条第(八)项", "5949.088667三、收到和处理…"): the digits are the row's, the heading ends it.
                var glued = DigitsBeforeHeading().Match(token);
                var digits = glued.Success ? glued.Groups["n"].Value : token;
                var digitsStart = start + tokenStart;
                if (glued.Success && Classify(digits, digitsStart) is { } number)
                {
                    slots.Add(number);
                }
                else if (SignedRun().IsMatch(digits))
                {
                    // Cells run together around a 本年增/减 printed with its sign ("2648-18538", "35-15"): each sign
                    // starts a new run of digits, which is split like any other.
                    foreach (Match part in SignedPart().Matches(digits))
                    {
                        var partStart = digitsStart + part.Index;
                        var negative = part.Value[0] == '-';
                        var unsigned = part.Value.TrimStart('+', '-');
                        var value = decimal.Parse(unsigned, CultureInfo.InvariantCulture);
                        slots.Add(Classify(unsigned, partStart + part.Length - unsigned.Length)! with
                        {
                            Start = partStart,
                            Length = part.Length,
                            Token = part.Value,
                            Value = negative ? -value : value,
                            Negative = negative,
                        });
                    }

                    if (!glued.Success)
                    {
                        continue;
                    }
                }

                return false;
            }

            slots.Add(slot);
        }

        return true;
    }

    private static bool CanStartCell(ReadOnlySpan<char> piece, int index) =>
        piece[index] is var c && (char.IsAsciiDigit(c) || c is '/' or '-' or '—' or '+' or '–' ||
        (c is '增' or '减' && index + 1 < piece.Length && char.IsAsciiDigit(piece[index + 1])));

    /// <summary>A number, a placeholder for an empty cell, or null for text (including markdown rules).</summary>
    internal static Slot? Classify(string token, int start)
    {
        if (Placeholder().IsMatch(token) && !MarkdownRule().IsMatch(token))
        {
            return new Slot(SlotKind.Blank, start, token.Length, token);
        }

        var match = Number().Match(token);
        if (!match.Success)
        {
            return null;
        }

        var number = match.Groups["n"].Value;
        var plain = number.Replace(",", "", StringComparison.Ordinal);
        decimal? value = plain.Length <= 20
            ? decimal.Parse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : null;

        // 本年增/减 printed in words: "减4" is -4, "增4" is 4.
        var word = match.Groups["word"].Value;
        if (word.Length > 0 && number[0] is '+' or '-')
        {
            return null;
        }

        value = word.StartsWith('减') ? -value : value;
        var digitsOffset = word.Length + number.Length - number.TrimStart('+', '-').Length;
        var unit = match.Groups["unit"].Value;
        if (unit == "万元")
        {
            value *= 10_000m;
        }

        return new Slot(SlotKind.Number, start, token.Length, token)
        {
            Value = value,
            Digits = plain.TrimStart('+', '-'),
            DigitsStart = start + digitsOffset,
            Atomic = number.Contains(',') || number.Contains('.') || digitsOffset > 0 || unit.Length > 0,
        };
    }

    [GeneratedRegex(@"^(?<word>增加|减少|增|减)?(?<n>[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?<unit>万元|元|件|个|项|条|宗|次)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^[/\\\-—–_]{1,3}$|^无$")]
    private static partial Regex Placeholder();

    /// <summary>A page number a PDF's text carries between the rows of a table that runs over a page: "- 3 -", "第3页 共5页", "3/5".</summary>
    [GeneratedRegex(@"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|page\s*\d{1,3}(?:\s*of\s*\d{1,3})?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PageMark();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex MarkdownRule();

    /// <summary>Digits with a sign inside them: "2648-18538" (two runs), not "-4" or "2,648".</summary>
    [GeneratedRegex(@"^\d{1,20}(?:[+\-]\d{1,20})+$")]
    private static partial Regex SignedRun();

    [GeneratedRegex(@"[+\-]?\d+")]
    private static partial Regex SignedPart();

    /// <summary>Digits glued to a section or item heading: "三、", "(七)", "第二十条".</summary>
    [GeneratedRegex(@"^(?<n>\d[\d,]*(?:\.\d+)?(?:[+\-]\d+)*)(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|第[一二三四五六七八九十]{1,4}条)")]
    private static partial Regex DigitsBeforeHeading();
}
