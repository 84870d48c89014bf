// SqlParserCheck [FILE]: reads a JSON list of { id, text, kind } (from FILE, or stdin) and parses
// each text with Microsoft's T-SQL parser of every SQL Server version the app supports, 2012 to
// 2022, quoted identifiers on (as the app's connections have them). Prints one JSON list of
// { id, errors: [{ parser, server, line, column, number, message }], notSingleSelect }.
// kind "statement": only the parse. kind "profile-query": also exactly one SELECT, nothing else
// (a kit's profile query runs with the admin's rights). Exit 2 on input it cannot read.
using System.Text.Json;
using Microsoft.SqlServer.TransactSql.ScriptDom;

var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
List<Item>? items;
try
{
    var input = args.Length > 0 ? File.ReadAllText(args[0]) : Console.In.ReadToEnd();
    items = JsonSerializer.Deserialize<List<Item>>(input, json);
}
catch (Exception e) when (e is JsonException or IOException)
{
    Console.Error.WriteLine($"SqlParserCheck: cannot read the statements: {e.Message}");
    return 2;
}
var bad = items?.FirstOrDefault(i => i.Id is null || i.Text is null || !Check.Kinds.Contains(i.Kind));
if (items is null || bad is not null)
{
    Console.Error.WriteLine($"SqlParserCheck: each item needs id, text and kind ({string.Join(" or ", Check.Kinds)})");
    return 2;
}
Console.Out.Write(JsonSerializer.Serialize(items.Select(Check.One).ToList(), json));
return 0;

record Item(string Id, string Text, string Kind);

record ParseError(string Parser, string Server, int Line, int Column, int Number, string Message);

record Result(string Id, List<ParseError> Errors, string? NotSingleSelect);

static class Check
{
    public static readonly string[] Kinds = ["statement", "profile-query"];

    /** Oldest first: the version a construct first parses in is the first one without its error. */
    static readonly (string Server, Func<TSqlParser> Create)[] Parsers =
    [
        ("SQL Server 2012", () => new TSql110Parser(true)),
        ("SQL Server 2014", () => new TSql120Parser(true)),
        ("SQL Server 2016", () => new TSql130Parser(true)),
        ("SQL Server 2017", () => new TSql140Parser(true)),
        ("SQL Server 2019", () => new TSql150Parser(true)),
        ("SQL Server 2022", () => new TSql160Parser(true)),
    ];

    public static Result One(Item item)
    {
        var errors = new List<ParseError>();
        TSqlFragment? newest = null;
        foreach (var (server, create) in Parsers)
        {
            var parser = create();
            var fragment = parser.Parse(new StringReader(item.Text), out var found);
            errors.AddRange(found.Select(e =>
                new ParseError(parser.GetType().Name, server, e.Line, e.Column, e.Number, e.Message)));
            newest = found.Count == 0 ? fragment : null;
        }
        var notSelect = item.Kind == "profile-query" && newest is not null ? NotSingleSelect(newest) : null;
        return new Result(item.Id, errors, notSelect);
    }

    /** Why a parsed profile query is not one SELECT and nothing else; null when it is. */
    static string? NotSingleSelect(TSqlFragment fragment)
    {
        if (fragment is not TSqlScript script) return fragment.GetType().Name;
        if (script.Batches.Count != 1) return $"{script.Batches.Count} batches";
        var statements = script.Batches[0].Statements;
        if (statements.Count != 1) return $"{statements.Count} statements";
        if (statements[0] is not SelectStatement select) return At(statements[0], statements[0].GetType().Name);
        if (select.Into is not null) return At(select.Into, "SELECT … INTO");
        var refused = new Refused(select);
        script.Accept(refused);
        return refused.Found;
    }

    internal static string At(TSqlFragment f, string what) => $"{what} at line {f.StartLine}, column {f.StartColumn}";
}

/** Anything inside the SELECT that writes, runs something else, or reaches outside the database. */
sealed class Refused(SelectStatement root) : TSqlFragmentVisitor
{
    public string? Found { get; private set; }

    void Refuse(TSqlFragment node, string what) => Found ??= Check.At(node, what);

    public override void Visit(TSqlStatement node)
    {
        if (!ReferenceEquals(node, root)) Refuse(node, node.GetType().Name);
    }

    public override void Visit(OpenRowsetTableReference node) => Refuse(node, "OPENROWSET");
    public override void Visit(BulkOpenRowset node) => Refuse(node, "OPENROWSET(BULK …)");
    public override void Visit(InternalOpenRowset node) => Refuse(node, "OPENROWSET");
    public override void Visit(OpenQueryTableReference node) => Refuse(node, "OPENQUERY");
    public override void Visit(AdHocTableReference node) => Refuse(node, "OPENDATASOURCE");
    // A sequence moves on, and no rollback brings it back.
    public override void Visit(NextValueForExpression node) => Refuse(node, "NEXT VALUE FOR");
    // The app reads the rows a query returns; an assignment returns none.
    public override void Visit(SelectSetVariable node) => Refuse(node, "a variable assigned instead of a column returned");
}
