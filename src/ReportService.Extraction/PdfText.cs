using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Exceptions;

namespace ReportService.Extraction;

/// <summary>
/// Rebuilds a PDF's text from its words and their positions, in the shape the text reader understands. Where a
/// table is ruled (its borders drawn, as in every office suite's and browser's export), each word belongs to the
/// cell its drawn borders enclose: a cell's words are joined (a label wrapped inside its cell comes back whole),
/// and each table row is printed on a line of its own with one tab between cells, an empty cell included and a
/// merged cell printed once in the row where it starts, which is how a page's table is rendered
/// (<see cref="HtmlText"/>). Text outside ruled cells is printed line by line with spaces for its gaps, so an
/// unruled table comes out column-aligned. Every character keeps the page and position it was printed at.
/// </summary>
internal sealed class PdfText
{

    /// <summary>A drawn line is a ruling when this thin (points); thicker shapes are fills, not borders.</summary>
    private const double RulingThickness = 2.5;

    /// <summary>A ruled cell with more lines of text than this is a frame around text, not a table cell.</summary>
    private const int MaxCellLines = 8;

    private readonly StringBuilder _text = new();
    private readonly List<PdfPosition?> _boxes = [];

    private PdfText()
    {
    }

    /// <summary>The document as text, and how to trace a span of that text back to its page and position.</summary>
    /// <exception cref="UnreadableDocumentException">The PDF is encrypted, damaged, has too many pages or no text layer.</exception>
    public static (string Text, Func<CellSource, CellSource> Locate) Render(byte[] pdf)
    {
        var pages = new List<(int Number, List<PlacedWord> Words, Rulings Rulings)>();
        try
        {
            using var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            if (document.NumberOfPages > ReportExtractor.MaxPdfPages)
            {
                throw new UnreadableDocumentException(UnreadableReason.TooManyPages,
                    $"The PDF has {document.NumberOfPages} pages; at most {ReportExtractor.MaxPdfPages} are read.");
            }

            var letters = 0;
            for (var number = 1; number <= document.NumberOfPages; number++)
            {
                var page = document.GetPage(number);
                var words = page.GetWords()
                    .Where(w => w.Letters.Count > 0 && !string.IsNullOrWhiteSpace(w.Text))
                    .Select(w => new PlacedWord(w, page.Number))
                    .ToList();
                letters += words.Sum(w => w.Word.Letters.Count);
                if (letters > ReportExtractor.MaxLength)
                {
                    throw new UnreadableDocumentException(UnreadableReason.TooLarge,
                        $"The PDF's text runs past {ReportExtractor.MaxLength} characters.");
                }

                pages.Add((number, words, Rulings.Of(page)));
            }
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new UnreadableDocumentException(UnreadableReason.Encrypted,
                "The PDF is encrypted with a password: send it unprotected (or its text).", ex);
        }
        catch (Exception ex) when (ex is not UnreadableDocumentException and not OutOfMemoryException)
        {
            // PdfPig reports a damaged file through many exception types (format, tokenizer, font, stream errors);
            // only PdfPig runs inside this block, so none of them is a fault of the layout below.
            throw new UnreadableDocumentException(UnreadableReason.Damaged,
                "The PDF cannot be read: it is damaged or not a PDF (" + ex.GetType().Name + ").", ex);
        }

        var renderer = new PdfText();
        foreach (var (_, words, rulings) in pages)
        {
            renderer.Page(words, rulings);
        }

        if (renderer._boxes.All(b => b is null))
        {
            throw new UnreadableDocumentException(UnreadableReason.NoText,
                "The PDF has no text layer (a scanned image?): its text cannot be read without OCR, which is not done.");
        }

        var text = renderer._text.ToString();
        var boxes = renderer._boxes.ToArray();
        return (text, source => source with { Pdf = Union(boxes, source.Start, source.Length) });
    }

    private static PdfPosition? Union(PdfPosition?[] boxes, int start, int length)
    {
        PdfPosition? union = null;
        for (var i = start; i < Math.Min(boxes.Length, start + Math.Max(length, 1)); i++)
        {
            if (boxes[i] is not { } box)
            {
                continue;
            }

            union = union is not { } u || u.Page != box.Page
                ? union ?? box
                : new PdfPosition(u.Page, Math.Min(u.Left, box.Left), Math.Min(u.Bottom, box.Bottom), Math.Max(u.Right, box.Right), Math.Max(u.Top, box.Top));
        }

        return union;
    }

    private void Page(List<PlacedWord> words, Rulings rulings)
    {

        var inCells = new Dictionary<CellKey, List<PlacedWord>>();
        var loose = new List<PlacedWord>();
        foreach (var word in words)
        {
            if (rulings.CellAround(word.CentreX, word.CentreY) is { } key)
            {
                if (!inCells.TryGetValue(key, out var list))
                {
                    inCells[key] = list = [];
                }

                list.Add(word);
            }
            else
            {
                loose.Add(word);
            }
        }

        // A "cell" holding many lines is a frame drawn around text (a bordered page or box): its words are text.
        foreach (var (key, list) in inCells.ToList())
        {
            if (Lines(list).Count > MaxCellLines)
            {
                loose.AddRange(list);
                inCells.Remove(key);
            }
        }

        var items = new List<(double Top, List<PlacedWord>? Line, List<(CellKey Key, List<PlacedWord> Words)>? Row)>();
        var margin = loose.Count > 0 ? loose.Min(w => w.Left) : 0;
        foreach (var line in Lines(loose))
        {
            items.Add((line.Max(w => w.Top), line, null));
        }

        foreach (var row in inCells.GroupBy(c => Math.Round(c.Key.Top * 2) / 2))
        {
            var top = row.Key;
            var cells = row.Select(c => (c.Key, c.Value)).ToList();
            foreach (var empty in rulings.EmptyCellsOfRow(top, cells.Select(c => c.Key).ToList()))
            {
                cells.Add((empty, []));
            }

            items.Add((top, null, [.. cells.OrderBy(c => c.Key.Left)]));
        }

        foreach (var item in items.OrderByDescending(i => i.Top))
        {
            if (item.Line is { } line)
            {
                WriteLine(line, margin);
            }
            else
            {
                WriteRow(item.Row!);
            }
        }
    }

    /// <summary>Words grouped into lines by their baselines (top to bottom), each line ordered left to right.</summary>
    private static List<List<PlacedWord>> Lines(List<PlacedWord> words)
    {
        var lines = new List<List<PlacedWord>>();
        foreach (var word in words.OrderByDescending(w => w.Baseline).ThenBy(w => w.Left))
        {
            var line = lines.LastOrDefault();
            if (line is not null && Math.Abs(line[0].Baseline - word.Baseline) <= 0.35 * Math.Max(line[0].Size, word.Size))
            {
                line.Add(word);
            }
            else
            {
                lines.Add([word]);
            }
        }

        foreach (var line in lines)
        {
            line.Sort((a, b) => a.Left.CompareTo(b.Left));
        }

        return lines;
    }

    /// <summary>
    /// A line of text outside any table: indentation and gaps wider than a space become spaces on a grid of half an em
    /// from the page's left margin, so the columns of an unruled table stay aligned (as a text PDF's layout mode does).
    /// </summary>
    private void WriteLine(List<PlacedWord> line, double margin)
    {
        NewLine();
        var size = line.Max(w => w.Size);
        var unit = size / 2;
        var column = 0;
        var right = double.NaN;
        foreach (var word in line)
        {
            var target = (int)Math.Round((word.Left - margin) / unit);
            if (double.IsNaN(right) || word.Left - right > 0.25 * size)
            {
                var spaces = Math.Max(double.IsNaN(right) ? 0 : 1, target - column);
                Append(new string(' ', spaces));
                column += spaces;
            }

            column += Append(word);
            right = word.Right;
        }
    }

    private void WriteRow(List<(CellKey Key, List<PlacedWord> Words)> row)
    {
        NewLine();
        for (var c = 0; c < row.Count; c++)
        {
            if (c > 0)
            {
                Append("\t");
            }

            string? previous = null;
            foreach (var line in Lines(row[c].Words))
            {
                foreach (var word in line)
                {
                    // Words of a cell run together ("本年新" / "制作数量"), but two Latin words keep a space.
                    if (previous is not null && char.IsAsciiLetterOrDigit(previous[^1]) && char.IsAsciiLetter(word.Text[0]))
                    {
                        Append(" ");
                    }

                    Append(word);
                    previous = word.Text;
                }
            }
        }

        NewLine();
    }

    private void NewLine()
    {
        if (_text.Length > 0 && _text[^1] != '\n')
        {
            Append("\n");
        }
    }

    private void Append(string separator)
    {
        _text.Append(separator);
        for (var i = 0; i < separator.Length; i++)
        {
            _boxes.Add(null);
        }
    }

    /// <summary>Appends a word's letters, each with its box; returns its width in half-em columns.</summary>
    private int Append(PlacedWord word)
    {
        var columns = 0;
        foreach (var letter in word.Word.Letters)
        {
            var box = new PdfPosition(word.Page, Round(letter.StartBaseLine.X), Round(letter.StartBaseLine.Y - 0.2 * word.Size),
                Round(Math.Max(letter.EndBaseLine.X, letter.StartBaseLine.X)), Round(letter.StartBaseLine.Y + 0.8 * word.Size));
            foreach (var c in letter.Value)
            {
                var mapped = Radicals.Unify(c);
                _text.Append(mapped);
                _boxes.Add(box);
                columns += mapped > '\u2E7F' ? 2 : 1;
            }
        }

        return columns;
    }

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>A word with the geometry the layout needs (PDF user space: y grows upwards).</summary>
    private sealed class PlacedWord
    {
        public PlacedWord(Word word, int page)
        {
            Word = word;
            Page = page;
            Text = word.Text;
            var first = word.Letters[0];
            Size = Math.Max(1, word.Letters.Max(l => l.PointSize));
            Baseline = first.StartBaseLine.Y;
            Left = word.Letters.Min(l => Math.Min(l.StartBaseLine.X, l.EndBaseLine.X));
            Right = word.Letters.Max(l => Math.Max(l.StartBaseLine.X, l.EndBaseLine.X));
        }

        public Word Word { get; }

        public int Page { get; }

        public string Text { get; }

        public double Size { get; }

        public double Baseline { get; }

        public double Left { get; }

        public double Right { get; }

        public double Top => Baseline + 0.8 * Size;

        public double CentreX => (Left + Right) / 2;

        /// <summary>Half way up the letters: a point inside the word's cell even when the word sits on the cell's edge.</summary>
        public double CentreY => Baseline + 0.3 * Size;
    }

    /// <summary>A ruled cell: its four borders (points, rounded to half a point).</summary>
    private readonly record struct CellKey(double Left, double Right, double Bottom, double Top);

    /// <summary>The horizontal and vertical rulings drawn on a page: stroked lines, stroked rectangles' edges, thin filled rectangles.</summary>
    private sealed class Rulings
    {
        private readonly List<(double Y, double X1, double X2)> _horizontal = [];
        private readonly List<(double X, double Y1, double Y2)> _vertical = [];

        public static Rulings Of(Page page)
        {
            var rulings = new Rulings();
            foreach (var path in page.Paths)
            {
                if (path.IsClipping || !(path.IsFilled || path.IsStroked))
                {
                    continue;
                }

                foreach (var subpath in path)
                {
                    if (subpath.GetBoundingRectangle() is not { } box)
                    {
                        continue;
                    }

                    if (box.Height <= RulingThickness && box.Width > RulingThickness)
                    {
                        rulings._horizontal.Add(((box.Bottom + box.Top) / 2, box.Left, box.Right));
                    }
                    else if (box.Width <= RulingThickness && box.Height > RulingThickness)
                    {
                        rulings._vertical.Add(((box.Left + box.Right) / 2, box.Bottom, box.Top));
                    }
                    else if (path.IsStroked && box.Width > RulingThickness && box.Height > RulingThickness)
                    {
                        rulings.AddStrokedLines(subpath, box);
                    }
                }
            }

            return rulings;
        }

        private void AddStrokedLines(PdfSubpath subpath, PdfRectangle box)
        {
            if (subpath.IsDrawnAsRectangle)
            {
                _horizontal.Add((box.Bottom, box.Left, box.Right));
                _horizontal.Add((box.Top, box.Left, box.Right));
                _vertical.Add((box.Left, box.Bottom, box.Top));
                _vertical.Add((box.Right, box.Bottom, box.Top));
                return;
            }

            foreach (var command in subpath.Commands)
            {
                if (command is PdfSubpath.Line line)
                {
                    if (Math.Abs(line.From.Y - line.To.Y) < 1)
                    {
                        _horizontal.Add((line.From.Y, Math.Min(line.From.X, line.To.X), Math.Max(line.From.X, line.To.X)));
                    }
                    else if (Math.Abs(line.From.X - line.To.X) < 1)
                    {
                        _vertical.Add((line.From.X, Math.Min(line.From.Y, line.To.Y), Math.Max(line.From.Y, line.To.Y)));
                    }
                }
            }
        }

        /// <summary>The nearest rulings on each side of a point that cross its row and column, or null when a side has none.</summary>
        public CellKey? CellAround(double x, double y)
        {
            const double tolerance = 0.5;
            double? left = null, right = null, bottom = null, top = null;
            (double Low, double High) leftSpan = default, rightSpan = default;
            foreach (var (vx, y1, y2) in _vertical)
            {
                if (y < y1 - tolerance || y > y2 + tolerance)
                {
                    continue;
                }

                if (vx <= x && (left is null || vx > left))
                {
                    left = vx;
                    leftSpan = (y1, y2);
                }
                else if (vx > x && (right is null || vx < right))
                {
                    right = vx;
                    rightSpan = (y1, y2);
                }
            }

            foreach (var (hy, x1, x2) in _horizontal)
            {
                if (x < x1 - tolerance || x > x2 + tolerance)
                {
                    continue;
                }

                if (hy <= y && (bottom is null || hy > bottom))
                {
                    bottom = hy;
                }
                else if (hy > y && (top is null || hy < top))
                {
                    top = hy;
                }
            }

            if (left is null || right is null)
            {
                return null;
            }

            // A table broken over two pages leaves its rows at the break open: no ruling above the first row of the
            // next page (or below the last one before it). The side rulings then end where the cell does.
            top ??= Math.Abs(leftSpan.High - rightSpan.High) <= 1 ? Math.Min(leftSpan.High, rightSpan.High) : null;
            bottom ??= Math.Abs(leftSpan.Low - rightSpan.Low) <= 1 ? Math.Max(leftSpan.Low, rightSpan.Low) : null;
            return bottom is { } b && top is { } t ? Key(left.Value, right.Value, b, t) : null;
        }

        /// <summary>
        /// The cells of a table row that hold no word: between the vertical rulings just below the row's top, every
        /// span whose top border is the row's top (a span whose top lies higher belongs to a merged cell above), as
        /// far as the spans adjoin the row's filled cells (a frame or table beside it is not part of the row).
        /// </summary>
        public List<CellKey> EmptyCellsOfRow(double top, List<CellKey> filled)
        {
            var probe = top - 1.5;
            var xs = _vertical.Where(v => v.Y1 - 0.5 <= probe && v.Y2 + 0.5 >= probe).Select(v => v.X).Order().ToList();
            var spans = new List<CellKey>(filled);
            for (var i = 0; i + 1 < xs.Count; i++)
            {
                if (xs[i + 1] - xs[i] <= 3 * RulingThickness ||
                    CellAround((xs[i] + xs[i + 1]) / 2, probe) is not { } cell || Math.Abs(cell.Top - top) > 0.75 || spans.Contains(cell))
                {
                    continue;
                }

                spans.Add(cell);
            }

            spans.Sort((a, b) => a.Left.CompareTo(b.Left));
            var empty = new List<CellKey>();
            var component = new List<CellKey>();
            var hasFilled = false;
            for (var i = 0; i <= spans.Count; i++)
            {
                if (i == spans.Count || (component.Count > 0 && spans[i].Left - component[^1].Right > 3 * RulingThickness))
                {
                    if (hasFilled)
                    {
                        empty.AddRange(component.Where(c => !filled.Contains(c)));
                    }

                    component.Clear();
                    hasFilled = false;
                    if (i == spans.Count)
                    {
                        break;
                    }
                }

                component.Add(spans[i]);
                hasFilled |= filled.Contains(spans[i]);
            }

            return empty;
        }

        private static CellKey Key(double left, double right, double bottom, double top) =>
            new(Math.Round(left * 2) / 2, Math.Round(right * 2) / 2, Math.Round(bottom * 2) / 2, Math.Round(top * 2) / 2);
    }

    /// <summary>
    /// Fonts that map CJK glyphs to the Kangxi Radicals or CJK Radicals Supplement code points ("⼈⺠政府" for 人民政府,
    /// common in exported PDFs) would hide every label: those code points become the ideographs they picture.
    /// </summary>
    internal static class Radicals
    {
        private static readonly Dictionary<char, char> Supplement = Pairs(
            "⺁厂⺇几⺝月⺟母⺠民⺫目⺮竹⺲罒⺼月⻄西⻅见⻆角⻈讠⻉贝⻋车⻐钅⻑長⻓长⻔门⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻬齐⻮齿⻰龙⻳龟");

        public static char Unify(char c)
        {
            if (c is >= '\u2F00' and <= '\u2FD5')
            {
                var ideograph = c.ToString().Normalize(NormalizationForm.FormKC);
                return ideograph.Length == 1 ? ideograph[0] : c;
            }

            return c is >= '\u2E80' and <= '\u2EFF' && Supplement.TryGetValue(c, out var mapped) ? mapped : c;
        }

        private static Dictionary<char, char> Pairs(string pairs)
        {
            var map = new Dictionary<char, char>();
            for (var i = 0; i + 1 < pairs.Length; i += 2)
            {
                map[pairs[i]] = pairs[i + 1];
            }

            return map;
        }
    }
}
