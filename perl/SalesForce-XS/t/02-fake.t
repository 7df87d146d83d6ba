# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

# Round trips through XS into Rust against the fake Salesforce org (HTTPS on
# loopback, started here, stopped by PID at the end): login, query,
# paging through a query handle, a bad password, UTF-8 names, DESTROY, fork.

use strict;
use warnings;
use utf8;

use FindBin qw($Bin);
use lib "$Bin/lib";

use POSIX ();
use Test::More;

use SalesForce::XS;
use TestFake;

my ( $Fake, $Reason ) = TestFake->Start();
if ( !$Fake ) {
    plan skip_all => "the fake Salesforce org is not available: $Reason";
}
my $Info = $Fake->Info();

# Returns the exception of a block, or undef.
sub Raises {
    my ($Code) = @_;
    my $Ok = eval { $Code->(); 1 };
    return $Ok ? undef : $@;
}

my $Client = SalesForce::XS->new( $Fake->ConfigJSON() );
isa_ok( $Client, 'SalesForce::XS' );

# login
my $Login = $Client->call( 'login', {} );
is( $Login->{user_id}, $Info->{user_id}, 'login: user id' );
is( $Login->{org_id},  $Info->{org_id},  'login: org id' );
my $LoginJSON = $Client->call_json( 'login', '{}' );
unlike( $LoginJSON, qr/\Q$Info->{password}\E/, 'no password in the login result' );

# UTF-8 round trip: create Accounts with non-ASCII names, read them back.
my @Names   = ( 'Zürich Ærøskøbing GmbH', '東京 株式会社', 'Ελληνικά & <XML> "quotes"' );
my $Created = $Client->call(
    'create',
    {
        type    => 'Account',
        records => [ map { { Name => $_ } } @Names ],
    }
);
is( scalar @{ $Created->{results} }, 3, 'create: three results' );
ok( ( !grep { !$_->{success} } @{ $Created->{results} } ), 'create: all succeeded' );
my @Ids    = map { $_->{id} } @{ $Created->{results} };
my $IdList = join ', ', map {"'$_'"} @Ids;
my $Page   = $Client->call( 'query', { soql => "SELECT Id, Name FROM Account WHERE Id IN ($IdList)" } );
my %NameOf = map { $_->{Id} => $_->{Name} } @{ $Page->{records} };
is_deeply( [ map { $NameOf{$_} } @Ids ], \@Names, 'non-ASCII names come back as the same characters' );

# The same through call_json with a JSON character string.
my $Json = $Client->call_json( 'query', qq({"soql": "SELECT Name FROM Account WHERE Id = '$Ids[1]'"}) );
ok( utf8::is_utf8($Json), 'call_json returns a character string' );
like( $Json, qr/東京 株式会社/, 'holding the name as characters' );

# A name in a query argument (not only in results) crosses as UTF-8 too.
$Page = $Client->call( 'query', { soql => "SELECT Id FROM Account WHERE Name = 'Zürich Ærøskøbing GmbH'" } );
is( $Page->{records}->[0]->{Id}, $Ids[0], 'non-ASCII literal in SOQL finds the record' );

# Paging data: 250 Accounts, pages of 200.
my $Prefix = 'XSPaging' . $$;
for my $Batch ( 0 .. 1 ) {
    my @Records = map { { Name => sprintf( '%s %03d', $Prefix, $Batch * 125 + $_ ) } } 1 .. 125;
    my $Result  = $Client->call(
        'create',
        {
            type    => 'Account',
            records => \@Records
        }
    );
    is( scalar( grep { $_->{success} } @{ $Result->{results} } ), 125, "paging data batch $Batch created" );
}

# The XS binding's one paging test, end to end: the 250 through a query
# handle (the Rust pager): pages of 200 and 50, then undef; the query keeps
# its client alive; a bad query croaks on its first page; DESTROY frees the
# handle once. The 'query'/'queryMore' page calls are tested end to end
# through the Perl API (t/api-iterator.t), the pager itself in
# tests/paging.rs.
my $Query = $Client->query(
    {
        soql       => "SELECT Id, Name FROM Account WHERE Name LIKE '$Prefix%' ORDER BY Name",
        batch_size => 200,
    }
);
isa_ok( $Query, 'SalesForce::XS::Query' );
my @PageSizes;
my %SeenByQuery;
while ( my $QueryPage = $Query->next_page() ) {
    push @PageSizes, scalar @{ $QueryPage->{records} };
    $SeenByQuery{ $_->{Id} }++ for @{ $QueryPage->{records} };
}
is_deeply( \@PageSizes, [ 200, 50 ], 'query handle: two pages of 200 and 50' );
is( scalar keys %SeenByQuery, 250, 'query handle: every record once' );
ok( !defined $Query->next_page(), 'query handle: still undef after the end' );
$Query->DESTROY();
like( Raises( sub { $Query->next_page() } ), qr/already been freed/, 'freed query croaks' );
undef $Query;
{
    my $Scoped = SalesForce::XS->new( $Fake->ConfigJSON() );
    $Query = $Scoped->query( { soql => "SELECT Id FROM Account WHERE Id = '$Ids[0]'" } );
}
is( $Query->next_page()->{records}->[0]->{Id}, $Ids[0], 'a query keeps its client alive' );
undef $Query;
my $BadQuery   = $Client->query( { soql => 'SELECT Nope FROM Account' } );
my $QueryError = Raises( sub { $BadQuery->next_page() } );
is( ref $QueryError ? $QueryError->{sf_code} : $QueryError, 'INVALID_FIELD', 'query handle: a fault croaks' );
like( Raises( sub { $Client->query( { all => \1 } ) } ), qr/soql/, 'query handle: soql is needed' );
undef $BadQuery;

# A Salesforce fault: error object with the Salesforce code.
my $Error = Raises( sub { $Client->call( 'query', { soql => 'SELECT Nope FROM Account' } ) } );
isa_ok( $Error, 'SalesForce::XS::Error', 'bad field' );
is( $Error->{name},    'SALESFORCE',    'name SALESFORCE' );
is( $Error->{sf_code}, 'INVALID_FIELD', 'sf_code INVALID_FIELD' );
like( "$Error", qr/^SalesForce::XS: SALESFORCE INVALID_FIELD/, 'text starts with kind and code' );
ok( $Client->call( 'query', { soql => 'SELECT Id FROM Account LIMIT 1' } ), 'client still usable after an error' );

# Error text from Salesforce that holds non-ASCII comes back as characters.
$Error = Raises( sub { $Client->call( 'query', { soql => 'SELECT Größe FROM Account' } ) } );
isa_ok( $Error, 'SalesForce::XS::Error', 'bad non-ASCII field' );
like( $Error->{message}, qr/Größe/, 'the message holds the field name as characters' );

# Empty JSON arguments mean {}.
like( $Client->call_json( 'getServerTimestamp', '' ), qr/"timestamp"/, "call_json with '' as arguments" );

# Bad password: AUTH / INVALID_LOGIN, and the password is not in the text.
my $BadClient = SalesForce::XS->new( $Fake->ConfigJSON( Password => 'not-the-password-42' ) );
$Error = Raises( sub { $BadClient->call( 'login', {} ) } );
isa_ok( $Error, 'SalesForce::XS::Error', 'bad password' );
is( $Error->{name},    'AUTH',          'name AUTH' );
is( $Error->{code},    5,               'code 5 (SF_RESULT_AUTH)' );
is( $Error->{sf_code}, 'INVALID_LOGIN', 'sf_code INVALID_LOGIN' );
like( "$Error", qr/^SalesForce::XS: AUTH INVALID_LOGIN/, 'stringifies with kind and code' );
unlike( "$Error", qr/not-the-password-42/, 'no password in the error' );
undef $BadClient;

# fork: the child uses the inherited client (fresh HTTP machinery in the
# child; the inherited one is kept, never dropped, see src/transport.rs),
# gets an error through it too, frees it and reports through a pipe. It
# leaves with POSIX::_exit: no END blocks or global destruction of the
# parent's objects (the fake org, Test::More) in the child. t/valgrind.sh
# leak-checks the child as well.
pipe( my $ReadEnd, my $WriteEnd ) or die "pipe: $!";
my $Pid = fork();
die "fork failed: $!" if !defined $Pid;
if ( $Pid == 0 ) {
    close $ReadEnd;
    alarm 60;    # a hang fails the test instead of blocking it
    my $Code = 1;
    my $Ok   = eval {
        my $ChildPage = $Client->call( 'query', { soql => "SELECT Id FROM Account WHERE Id = '$Ids[0]'" } );
        $Code = ( $ChildPage->{records}->[0]->{Id} // '' ) eq $Ids[0] ? 0 : 2;
        my $ChildError = Raises( sub { $Client->call( 'query', { soql => 'SELECT Nope FROM Account' } ) } );
        if ( !$Code && ( ref $ChildError ne 'SalesForce::XS::Error' || $ChildError->{sf_code} ne 'INVALID_FIELD' ) ) {
            $Code = 4;
        }
        1;
    };
    $Code = 3 if !$Ok;
    undef $Client;    # DESTROY in the child: frees the child's copy only
    syswrite $WriteEnd, "child:$Code\n";
    close $WriteEnd;
    POSIX::_exit($Code);
}
close $WriteEnd;
my $ChildSaid = <$ReadEnd> // '';
close $ReadEnd;
waitpid( $Pid, 0 );
my $ChildStatus = $?;
is( $ChildSaid, "child:0\n", 'forked child queried through the inherited client, got an error, freed it' );
my $ChildExit = sprintf 'exit code %d, signal %d', $ChildStatus >> 8, $ChildStatus & 127;

# Under t/valgrind.sh a child exits with 99 when valgrind found an error or a
# leak in it. Its first, strict run (SFXS_VALGRIND=1) checks the test process
# only: there the child's exit code tells nothing. The second run checks the
# children (SFXS_VALGRIND_CHILDREN=1, see t/valgrind.sh for why two runs).
if ( !$ENV{SFXS_VALGRIND} || $ENV{SFXS_VALGRIND_CHILDREN} ) {
    is( $ChildExit, 'exit code 0, signal 0', 'forked child exited normally' );
}
$Page = $Client->call( 'query', { soql => "SELECT Id FROM Account WHERE Id = '$Ids[2]'" } );
is( $Page->{records}->[0]->{Id}, $Ids[2], 'parent client still works after the child exited' );

# DESTROY exactly once.
$Client->call( 'logout', {} );
$Client->DESTROY();
ok( $Client->is_freed(), 'DESTROY freed the handle' );
like( Raises( sub { $Client->call( 'login', {} ) } ), qr/already been freed/, 'freed client croaks' );
undef $Client;
pass('second DESTROY (scope exit) was a no-op');

$Fake->Stop();
done_testing();
