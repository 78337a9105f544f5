using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReportService.Statutory.Json;

/// <summary>The JSON conventions of the public contract, shared by the reader, the API and the tests.</summary>
public static class ReportJson
{
    /// <summary>Deepest nesting a body may have; a report needs 5 levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Longest string value or property name, in bytes as sent (escapes counted as sent): 100,000 bytes is
    /// over 30,000 Chinese characters, far more than any section of a report needs.
    /// </summary>
    public const int MaxStringBytes = 100_000;

    /// <summary>
    /// Strict options: camelCase names, enums as camelCase strings, no unknown or duplicate properties, no
    /// null for required text, no numbers in strings.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the contract's conventions to options (used for the API's own JSON options too).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = MaxDepth;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }
}
