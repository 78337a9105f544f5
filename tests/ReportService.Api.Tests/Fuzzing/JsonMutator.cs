using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>
/// Edits a JSON document and splices raw bytes into it where a <see cref="JsonNode"/> cannot hold them: numbers
/// such as 1e309, invalid UTF-8, escaped lone surrogates, duplicated keys, deep nesting. A raw token is put in as
/// a marker string and replaced, quotes included, when the document is written out.
/// </summary>
public sealed class JsonMutator(JsonNode root)
{
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<byte[]> _raw = [];

    public JsonNode Root { get; } = root;

    /// <summary>A value that is written out as exactly these bytes.</summary>
    public JsonNode Raw(byte[] token)
    {
        _raw.Add(token);
        return JsonValue.Create($"@@RAW{_raw.Count - 1}@@");
    }

    /// <summary>A property name that is written out as exactly these bytes (quotes included).</summary>
    public string RawKey(byte[] token)
    {
        _raw.Add(token);
        return $"@@RAW{_raw.Count - 1}@@";
    }

    /// <summary>Every place that holds a value other than an object or array, or every place at all.</summary>
    public IReadOnlyList<Slot> Slots(Func<JsonNode?, bool> where)
    {
        var slots = new List<Slot>();
        Walk(Root, "");
        return slots;

        void Walk(JsonNode? node, string pointer)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj.ToList())
                    {
                        var at = pointer + "/" + key;
                        if (where(child))
                        {
                            slots.Add(new Slot(obj, key, -1, at));
                        }

                        Walk(child, at);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        var at = pointer + "/" + i;
                        if (where(array[i]))
                        {
                            slots.Add(new Slot(array, null, i, at));
                        }

                        Walk(array[i], at);
                    }

                    break;
            }
        }
    }

    public IReadOnlyList<JsonObject> Objects()
    {
        var objects = new List<JsonObject>();
        if (Root is JsonObject top)
        {
            objects.Add(top);
        }

        objects.AddRange(Slots(n => n is JsonObject).Select(s => (JsonObject)s.Get()!));
        return objects;
    }

    public byte[] ToUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes(Root.ToJsonString(Relaxed));
        for (var i = _raw.Count - 1; i >= 0; i--)
        {
            bytes = Replace(bytes, Encoding.UTF8.GetBytes($"\"@@RAW{i}@@\""), _raw[i]);
        }

        return bytes;
    }

    private static byte[] Replace(byte[] text, byte[] marker, byte[] with)
    {
        var at = text.AsSpan().IndexOf(marker);
        if (at < 0)
        {
            return text; // the marker was overwritten by a later edit
        }

        return [.. text.AsSpan(0, at), .. with, .. text.AsSpan(at + marker.Length)];
    }

    public sealed record Slot(JsonNode Parent, string? Key, int Index, string Pointer)
    {
        public JsonNode? Get() => Parent is JsonObject obj ? obj[Key!] : ((JsonArray)Parent)[Index];

        public void Set(JsonNode? value)
        {
            if (Parent is JsonObject obj)
            {
                obj[Key!] = value;
            }
            else
            {
                ((JsonArray)Parent)[Index] = value;
            }
        }

        public void Remove()
        {
            if (Parent is JsonObject obj)
            {
                obj.Remove(Key!);
            }
            else
            {
                ((JsonArray)Parent).RemoveAt(Index);
            }
        }
    }
}
