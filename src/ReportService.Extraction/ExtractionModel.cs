namespace ReportService.Extraction;

/// <summary>How a value of the draft was obtained.</summary>
public enum ExtractionStatus
{
    /// <summary>Printed in its own cell and read as printed.</summary>
    Read,

    /// <summary>
    /// Not separable as printed (run-together digits, a label left out) and settled by the table's own
    /// identities or by the rest of the text: a person should look at it.
    /// </summary>
    Inferred,

    /// <summary>Not in the document, blank, or printed as "/" or "—": never turned into 0.</summary>
    Missing,

    /// <summary>More than one reading fits (or none does): the candidates are given, no value is chosen.</summary>
    Ambiguous,
}

/// <summary>Where a value was read: offsets into the document as given, and its line and column (1-based).</summary>
/// <param name="Start">Offset of the first character (UTF-16 code units) in the document as given.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="Line">1-based line in the text the value was read from (for HTML: the rendered text).</param>
/// <param name="Column">1-based column.</param>
/// <param name="Text">The characters themselves, as printed.</param>
/// <param name="LineText">The whole line it stands on, as printed.</param>
public sealed record CellSource(int Start, int Length, int Line, int Column, string Text, string LineText)
{
    /// <summary>For HTML input: the table (0-based, in document order), row and cell it came from.</summary>
    public HtmlCellPosition? Html { get; init; }

    /// <summary>For PDF input: the page and the box the characters were printed in.</summary>
    public PdfPosition? Pdf { get; init; }
}

/// <summary>
/// Where characters stand in a PDF: the page (1-based) and their box in points, in the PDF's own coordinates
/// (origin at the page's lower left corner, y upwards).
/// </summary>
public sealed record PdfPosition(int Page, double Left, double Bottom, double Right, double Top);

/// <summary>Why a document could not be read at all.</summary>
public enum UnreadableReason
{
    /// <summary>The PDF is protected by a password.</summary>
    Encrypted,

    /// <summary>The bytes are not a readable PDF (truncated, corrupted, another kind of file).</summary>
    Damaged,

    /// <summary>The PDF holds no text, only images (a scan): reading it would take OCR.</summary>
    NoText,

    /// <summary>More pages than are read.</summary>
    TooManyPages,

    /// <summary>More text than is read.</summary>
    TooLarge,
}

/// <summary>A document that cannot be read at all, with the reason in English for the caller.</summary>
public sealed class UnreadableDocumentException : Exception
{
    public UnreadableDocumentException(UnreadableReason reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    public UnreadableDocumentException()
    {
    }

    public UnreadableDocumentException(string message)
        : base(message)
    {
    }

    public UnreadableDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnreadableReason Reason { get; }
}

/// <summary>A cell of an HTML table: table, row and cell index, all 0-based in document order.</summary>
public sealed record HtmlCellPosition(int Table, int Row, int Cell);

/// <summary>One statutory cell of the draft: its JSON pointer, its value, how it was obtained and from where.</summary>
public sealed record ExtractedCell(string Pointer, ExtractionStatus Status, decimal? Value, CellSource? Source)
{
    /// <summary>For <see cref="ExtractionStatus.Ambiguous"/>: the values that would fit, smallest first.</summary>
    public IReadOnlyList<decimal> Candidates { get; init; } = [];

    /// <summary>Why the cell has this status, in English (for a person's look).</summary>
    public string? Note { get; init; }
}

/// <summary>A field of the draft that is not a table cell (year, format, date, agency name).</summary>
public sealed record ExtractedField<T>(T? Value, ExtractionStatus Status, CellSource? Source, string? Note = null);

/// <summary>The three text sections as read (一、五、六); null when the heading was not found.</summary>
public sealed record ExtractedText(string? Overview, string? ProblemsAndImprovements, string? OtherMatters);
