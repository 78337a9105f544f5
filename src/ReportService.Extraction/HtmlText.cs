using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ReportService.Extraction;

/// <summary>
/// Renders a report page as text the text reader understands: every table row on a line of its own with one
/// tab between cells (a merged cell is printed once, where it starts, so the data cells keep their order), and
/// everything else as paragraphs. Scripts, styles and the head are dropped. Each table cell's span in the
/// rendered text is kept, so a value can be traced back to its table, row and cell.
/// </summary>
internal sealed class HtmlText
{
    private static readonly HashSet<string> Blocks =
    [
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4", "h5", "h6",
        "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset", "address", "figure", "figcaption",
        "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "table", "hr",
    ];

    private readonly StringBuilder _text = new();
    private readonly List<(int Start, int Length, HtmlCellPosition Position)> _cells = [];
    private int _tables;

    private HtmlText()
    {
    }

    public static (string Text, Func<CellSource, CellSource> Locate) Render(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, noscript, template, head, iframe, object, svg").ToList())
        {
            element.Remove();
        }

        var renderer = new HtmlText();
        renderer.Node(document.Body ?? (INode?)document.DocumentElement ?? document);
        var text = renderer._text.ToString();
        var cells = renderer._cells;
        var starts = cells.Select(c => c.Start).ToArray();
        return (text, source =>
        {
            // Cells are recorded in text order: the last one starting at or before the value is its cell.
            var index = Array.BinarySearch(starts, source.Start);
            index = index >= 0 ? index : ~index - 1;
            while (index > 0 && starts[index - 1] == starts[index])
            {
                index--;
            }

            for (; index >= 0 && index < cells.Count && starts[index] <= source.Start; index++)
            {
                var (start, length, position) = cells[index];
                if (source.Start < start + Math.Max(length, 1))
                {
                    return source with { Html = position };
                }
            }

            return source;
        });
    }

    private void Node(INode node)
    {
        switch (node)
        {
            case IText text:
                Inline(text.Data);
                break;
            case IElement element when element.LocalName == "br":
                NewLine();
                break;
            case IElement element when element.LocalName == "table" && element.QuerySelector("table") is null:
                Table(element);
                break;
            case IElement element when Blocks.Contains(element.LocalName):
                NewLine();
                Children(element);
                NewLine();
                break;
            default:
                Children(node);
                break;
        }
    }

    private void Children(INode node)
    {
        foreach (var child in node.ChildNodes)
        {
            Node(child);
        }
    }

    private void Table(IElement table)
    {
        var index = _tables++;
        NewLine();
        var rows = table.QuerySelectorAll("tr");
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = rows[r].Children.Where(c => c.LocalName is "td" or "th").ToList();
            for (var c = 0; c < cells.Count; c++)
            {
                if (c > 0)
                {
                    _text.Append('\t');
                }

                var start = _text.Length;
                _text.Append(Collapse(cells[c].TextContent, keepSpaces: false));
                _cells.Add((start, _text.Length - start, new HtmlCellPosition(index, r, c)));
            }

            NewLine();
        }
    }

    private void Inline(string data)
    {
        var collapsed = Collapse(data, keepSpaces: true);
        if (collapsed.Length == 0 || (collapsed == " " && (_text.Length == 0 || _text[^1] is '\n' or ' ')))
        {
            return;
        }

        _text.Append(collapsed);
    }

    private void NewLine()
    {
        while (_text.Length > 0 && _text[^1] == ' ')
        {
            _text.Length--;
        }

        if (_text.Length > 0 && _text[^1] != '\n')
        {
            _text.Append('\n');
        }
    }

    /// <summary>Runs of whitespace become one space (none inside a table cell, where they only split a label).</summary>
    private static string Collapse(string value, bool keepSpaces)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0')
            {
                space = true;
                continue;
            }

            if (space && keepSpaces && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        if (space && keepSpaces)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }
}
