namespace ReportService.Extraction.Tables;

/// <summary>
/// Column-aligned text (a PDF's text with its layout kept) shows an empty cell only as a gap. Where table 3's
/// header prints every applicant column's label, a number is placed under the label whose centre is nearest,
/// on the display grid (a Chinese character is two columns wide). Used only for a row that prints fewer numbers
/// than columns, with no separator that shows blanks, and only when every number lands clearly under a
/// different label, left to right; otherwise the row stays ambiguous.
/// </summary>
internal sealed class ColumnLayout
{
    private static readonly string[] Table3Labels = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"];

    private readonly SourceText _source;
    private readonly double[] _centres;

    private ColumnLayout(SourceText source, double[] centres)
    {
        _source = source;
        _centres = centres;
    }

    /// <summary>The header's label centres between the table's start and its first row, or null when a label is missing.</summary>
    public static ColumnLayout? Table3(SourceText source, int headerStart, int headerEnd)
    {
        var centres = new double[Table3Labels.Length];
        var position = headerStart;
        for (var i = 0; i < Table3Labels.Length; i++)
        {
            var found = Label(source, Table3Labels[i], i == 6 ? headerStart : position, headerEnd);
            if (found is not { } f)
            {
                return null;
            }

            centres[i] = (Column(source, f.Start) + Column(source, f.End)) / 2.0;
            if (i < 6)
            {
                position = f.End;
            }
        }

        for (var i = 1; i < 6; i++)
        {
            if (centres[i] <= centres[i - 1])
            {
                return null;
            }
        }

        return centres[6] > centres[5] && centres[0] < centres[1] ? new ColumnLayout(source, centres) : null;
    }

    /// <summary>The column of each number, or null when the numbers do not sit clearly under distinct labels in order.</summary>
    public int[]? Place(IReadOnlyList<Slot> numbers)
    {
        var line = _source.LineOf(numbers[0].Start);
        if (numbers.Any(n => _source.LineOf(n.Start) != line))
        {
            return null;
        }

        var spacing = Enumerable.Range(1, _centres.Length - 1).Min(i => _centres[i] - _centres[i - 1]);
        var placed = new int[numbers.Count];
        for (var k = 0; k < numbers.Count; k++)
        {
            var centre = (Column(_source, numbers[k].Start) + Column(_source, numbers[k].Start + numbers[k].Length)) / 2.0;
            var best = 0;
            for (var i = 1; i < _centres.Length; i++)
            {
                if (Math.Abs(_centres[i] - centre) < Math.Abs(_centres[best] - centre))
                {
                    best = i;
                }
            }

            if (Math.Abs(_centres[best] - centre) > spacing / 3.0 || (k > 0 && best <= placed[k - 1]))
            {
                return null;
            }

            placed[k] = best;
        }

        return placed;
    }

    /// <summary>"其他" as the column label, not inside "法人或其他组织".</summary>
    private static (int Start, int End)? Label(SourceText source, string label, int from, int to)
    {
        var position = from;
        while (source.Find(label, position, to) is { } found)
        {
            var before = found.Start > 0 ? source.Text[found.Start - 1] : ' ';
            var after = found.End < source.Length ? source.Text[found.End] : ' ';
            if (label != "其他" || (before != '或' && after != '组'))
            {
                return found;
            }

            position = found.Start + 1;
        }

        return null;
    }

    /// <summary>The display column of an offset: Chinese and full-width characters take two columns, tabs go to the next multiple of 8.</summary>
    private static int Column(SourceText source, int offset)
    {
        var lineStart = source.Text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        if (offset == 0)
        {
            lineStart = 0;
        }

        var column = 0;
        for (var i = lineStart; i < offset; i++)
        {
            var c = source.Original[i];
            column = c == '\t' ? (column / 8 + 1) * 8 : column + (IsWide(c) ? 2 : 1);
        }

        return column;
    }

    private static bool IsWide(char c) =>
        c is >= '\u1100' and <= '\u115F' or >= '\u2E80' and <= '\uA4CF' or >= '\uAC00' and <= '\uD7A3' or >= '\uF900' and <= '\uFAFF' or >= '\uFE30' and <= '\uFE4F' or >= '\uFF00' and <= '\uFF60' or >= '\uFFE0' and <= '\uFFE6';
}
