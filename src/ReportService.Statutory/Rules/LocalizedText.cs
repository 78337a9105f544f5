namespace ReportService.Statutory.Rules;

/// <summary>A text in the two languages the service answers in.</summary>
public readonly record struct LocalizedText(string Chinese, string English)
{
    /// <summary>The text in the given language.</summary>
    public string In(MessageLanguage language) => language == MessageLanguage.English ? English : Chinese;
}

/// <summary>The language of messages: Chinese unless the client asks for English.</summary>
public enum MessageLanguage
{
    /// <summary>简体中文 (default).</summary>
    Chinese,
    /// <summary>English (<c>Accept-Language: en</c>).</summary>
    English,
}
