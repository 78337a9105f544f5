using System.Text;

namespace ReportService.Extraction;

/// <summary>
/// The document as given, plus a normalised copy of the same length: full-width digits and punctuation become
/// half-width, the traditional characters of the statutory labels become simplified, and every kind of space
/// becomes a plain one. Because the mapping is one character to one character, an offset into the normalised
/// text is an offset into the original, so every number keeps its exact source.
/// </summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;
    private readonly string _squeezed;
    private readonly int[] _squeezedToText;

    public SourceText(string original)
    {
        Original = original;
        var chars = new char[original.Length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Normalize(original[i]);
        }

        Text = new string(chars);

        var starts = new List<int> { 0 };
        for (var i = 0; i < Text.Length; i++)
        {
            if (Text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];

        var squeezed = new StringBuilder(Text.Length);
        var map = new List<int>(Text.Length);
        for (var i = 0; i < Text.Length; i++)
        {
            if (!char.IsWhiteSpace(Text[i]))
            {
                squeezed.Append(Text[i]);
                map.Add(i);
            }
        }

        _squeezed = squeezed.ToString();
        _squeezedToText = [.. map];
    }

    public string Original { get; }

    /// <summary>The normalised text, offset for offset the same as <see cref="Original"/>.</summary>
    public string Text { get; }

    public int Length => Text.Length;

    /// <summary>
    /// Finds a label ignoring whitespace (published tables space labels out: "三、 本 年 度 办 理 结 果"), between
    /// <paramref name="from"/> and <paramref name="to"/>. Returns the start and end offsets in the text.
    /// </summary>
    public (int Start, int End)? Find(string keyword, int from, int to)
    {
        var key = NormalizeString(keyword);
        var s = LowerBound(from);
        while (s < _squeezed.Length)
        {
            var k = _squeezed.IndexOf(key, s, StringComparison.Ordinal);
            if (k < 0)
            {
                return null;
            }

            var start = _squeezedToText[k];
            var end = _squeezedToText[k + key.Length - 1] + 1;
            if (end > to)
            {
                return null;
            }

            if (start >= from)
            {
                return (start, end);
            }

            s = k + 1;
        }

        return null;
    }

    /// <summary>The first of several labels that occurs, by position.</summary>
    public (int Start, int End)? FindAny(IEnumerable<string> keywords, int from, int to)
    {
        (int Start, int End)? best = null;
        foreach (var keyword in keywords)
        {
            var found = Find(keyword, from, to);
            if (found is { } f && (best is null || f.Start < best.Value.Start))
            {
                best = f;
            }
        }

        return best;
    }

    /// <summary>The last occurrence of a label between two offsets.</summary>
    public (int Start, int End)? FindLast(string keyword, int from, int to)
    {
        (int Start, int End)? last = null;
        var position = from;
        while (Find(keyword, position, to) is { } found)
        {
            last = found;
            position = found.Start + 1;
        }

        return last;
    }

    public int LineOf(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        return index >= 0 ? index : ~index - 1;
    }

    public CellSource SourceOf(int start, int length)
    {
        var line = LineOf(start);
        var lineStart = _lineStarts[line];
        var lineEnd = Text.IndexOf('\n', lineStart);
        var lineText = Original[lineStart..(lineEnd < 0 ? Original.Length : lineEnd)];
        return new CellSource(start, length, line + 1, start - lineStart + 1, Original.Substring(start, length), lineText.TrimEnd('\r'));
    }

    public static string NormalizeString(string value)
    {
        var chars = new char[value.Length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Normalize(value[i]);
        }

        return new string(chars);
    }

    private int LowerBound(int offset)
    {
        var index = Array.BinarySearch(_squeezedToText, offset);
        return index >= 0 ? index : ~index;
    }

    internal static char Normalize(char c) => Map[c];

    private static char[] BuildMap()
    {
        var map = new char[char.MaxValue + 1];
        for (var i = 0; i <= char.MaxValue; i++)
        {
            map[i] = Compute((char)i);
        }

        return map;
    }

    private static char Compute(char c)
    {
        if (c is >= '０' and <= '９')
        {
            return (char)(c - '０' + '0');
        }

        if (c is >= 'Ａ' and <= 'Ｚ')
        {
            return (char)(c - 'Ａ' + 'A');
        }

        if (c is >= 'ａ' and <= 'ｚ')
        {
            return (char)(c - 'ａ' + 'a');
        }

        return c switch
        {
            '（' => '(',
            '）' => ')',
            '｜' => '|',
            '，' => ',',
            '．' => '.',
            '／' => '/',
            '－' => '-',
            '＋' => '+',
            '：' => ':',
            '；' => ';',
            '\u3000' or '\u00A0' or '\u2002' or '\u2003' or '\u2009' or '\u200B' or '\uFEFF' => ' ',
            '\r' or '\f' or '\v' or '\u2028' or '\u2029' => '\n',
            _ => Traditional.TryGetValue(c, out var simplified) ? simplified : c,
        };
    }

    /// <summary>
    /// The traditional characters that occur in the statutory labels, headings and dates, so that a report
    /// published in traditional characters (some Guangdong sites serve both) is read by the same labels.
    /// </summary>
    private static readonly Dictionary<char, char> Traditional = BuildTraditional(
        "開开報报況况處处請请與与條条許许強强規规範范費费計计結结轉转數数據据國国權权內内務务過过執执詢询製制確确訪访舉举訴诉" +
        "複复復复機机關关認认補补繳缴總总對对項项採采購购議议維维糾纠審审體体動动問问題题發发時时間间類类屬属護护險险穩稳" +
        "區区縣县鎮镇鄉乡辦办級级實实現现應应際际產产業业萬万額额罰罚員员經经當当環环劃划財财廳厅聯联門门決决號号檔档" +
        "讀读證证會会於于為为黨党長长點点達达網网說说質质場场稅税錢钱億亿準准則则專专續续稱称歷历選选營营歸归檢检測测衛卫" +
        "統统歲岁單单頁页來来覆复");

    private static Dictionary<char, char> BuildTraditional(string pairs)
    {
        var map = new Dictionary<char, char>();
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            map[pairs[i]] = pairs[i + 1];
        }

        return map;
    }

    // Declared last: static fields initialise in textual order, and the map reads the traditional characters.

    /// <summary>The normalisation of every UTF-16 code unit, computed once (128 KiB): reading a report maps every character.</summary>
    private static readonly char[] Map = BuildMap();
}
