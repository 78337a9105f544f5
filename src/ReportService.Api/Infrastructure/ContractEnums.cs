using System.Text.Json;

namespace ReportService.Api.Infrastructure;

/// <summary>Enums in query strings use the contract's camelCase names, exactly as in JSON bodies.</summary>
internal static class ContractEnums
{
    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Name(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));
}
