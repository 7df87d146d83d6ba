# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

package SalesForce::XS;

use strict;
use warnings;

use Carp ();

use SalesForce::XS::Native ();

our $VERSION = '6.4.0';

# Load the glue built for this Perl, chosen before anything native is loaded
# (see SalesForce::XS::Native); when there is none, or it does not load, die
# with one line that names this Perl and what is there.
{
    my $Loaded = eval {
        SalesForce::XS::Native::Load( __PACKAGE__, $VERSION );
        1;
    };
    if ( !$Loaded ) {
        my $Reason = $@ || "SalesForce::XS: the native part does not load (unknown error)\n";
        $Reason =~ s{\s*\(\@INC contains: [^)]*\)}{};
        $Reason =~ s{\s*at \S+ line \d+\.?\s*$}{};
        $Reason =~ s{\s+}{ }g;
        $Reason =~ s{\s+$}{};
        die "$Reason\n";
    }
    my $CoreVersion = version();
    if ( $CoreVersion ne $VERSION ) {
        die "SalesForce::XS: the Rust core libsfclient.so is version $CoreVersion, this module $VERSION. "
            . "Reinstall the package.\n";
    }
}

# The JSON codec of the facade: Cpanel::JSON::XS or JSON::XS when present,
# else core JSON::PP. Text mode (not ->utf8): Perl character strings in and
# out; the XS layer does the UTF-8 encoding.
my $JSONObject;

sub _JSON {
    return $JSONObject if $JSONObject;
    for my $Class (qw(Cpanel::JSON::XS JSON::XS JSON::PP)) {
        my $File = $Class . '.pm';
        $File =~ s{::}{/}g;
        next if !eval { require $File; 1; };
        $JSONObject = $Class->new()->allow_nonref(1);
        return $JSONObject;
    }
    Carp::croak('SalesForce::XS: no JSON module found (JSON::PP is part of core Perl; is it removed?)');
}

=head1 NAME

SalesForce::XS - thin Perl binding of the sfclient Salesforce library

=head1 SYNOPSIS

    use SalesForce::XS;

    my $Client = SalesForce::XS->new($ConfigJSON);      # see ARCHITECTURE.md, "Client configuration"

    # strings in, strings out
    my $ResultJSON = $Client->call_json( 'query', '{"soql": "SELECT Id, Name FROM Account"}' );

    # or Perl data in, Perl data out
    my $Page = $Client->call( 'query', { soql => 'SELECT Id, Name FROM Account' } );
    my $Plan = SalesForce::XS::plan( \%PlannerInput );

    # errors croak with a SalesForce::XS::Error object
    my $Ok = eval { $Client->call( 'login', {} ); 1 };
    if ( !$Ok ) {
        my $Error = $@;
        print "$Error\n";                   # "SalesForce::XS: AUTH INVALID_LOGIN (HTTP 500) during login: ..."
        print $Error->{sf_code}, "\n";      # "INVALID_LOGIN"
    }

=head1 DESCRIPTION

The Rust library C<sfclient> (C header C<include/sfclient.h>) does the work:
authentication, the SOAP and REST wire protocols, paging and the sync
planner. This module only passes strings across: JSON text in, JSON text out.
The Rust core is a shared library of its own (C<libsfclient.so>, one for
every Perl); a small XS glue per Perl ABI links it by a relative run path, so
no library path has to be set at run time. L<SalesForce::XS::Native> chooses
the glue that fits the running Perl before loading anything.

Strings are Perl character strings: pass text, not encoded bytes; results
come back as character strings (UTF-8 flagged).

=head1 PUBLIC INTERFACE

=head2 new()

Makes a client from its JSON configuration (a string). Does not log in yet.

    my $Client = SalesForce::XS->new($ConfigJSON);

Croaks with a L</SalesForce::XS::Error> (e.g. C<CONFIG> naming an unknown key).

=head2 call_json()

Runs one call method with JSON arguments (a JSON object as a string; C<''>
means C<{}>) and returns the JSON result as a string.

    my $JSON = $Client->call_json( 'queryMore', '{"query_locator": "01g..."}' );

=head2 call()

Like L</call_json()>, with a hash reference in and Perl data out.

    my $Result = $Client->call( 'query', { soql => 'SELECT Id FROM Account' } );

=cut

sub call {    ## no critic (Subroutines::ProhibitBuiltinHomonyms)
    my ( $Self, $Method, $Args ) = @_;

    $Args //= {};
    if ( ref $Args ne 'HASH' ) {
        Carp::croak('SalesForce::XS::call: the arguments must be a hash reference');
    }
    my $JSON = _JSON();
    return $JSON->decode( $Self->call_json( $Method, $JSON->encode($Args) ) );
}

=head2 query()

Opens a query to be read one page at a time (the Rust pager: each page is
checked, and the next one is fetched while this one is decoded). Takes
C<soql>, and optionally C<all> (include deleted and archived records) and
C<batch_size>; sends nothing yet. Returns a L</SalesForce::XS::Query>.

    my $Query = $Client->query( { soql => 'SELECT Id FROM Account', all => \0 } );
    while ( my $Page = $Query->next_page() ) {
        ...    # $Page->{records}, $Page->{size}, $Page->{done}
    }

=cut

sub query {
    my ( $Self, $Args ) = @_;

    if ( ref $Args ne 'HASH' ) {
        Carp::croak('SalesForce::XS::query: the arguments must be a hash reference');
    }
    return $Self->query_open_json( _JSON()->encode($Args) );
}

=head2 plan_json()

Computes a sync plan from a complete planner input (a JSON string) and
returns the plan as a JSON string. Pure: no network, no client needed.

    my $PlanJSON = SalesForce::XS::plan_json($InputJSON);

=head2 plan()

Like L</plan_json()>, with a hash reference in and Perl data out.

    my $Plan = SalesForce::XS::plan( \%Input );

=cut

sub plan {
    my @Param = @_;

    # Also callable as a class method.
    if ( @Param == 2 && defined $Param[0] && !ref $Param[0] && $Param[0] eq __PACKAGE__ ) {
        shift @Param;
    }
    my ($Input) = @Param;
    if ( ref $Input ne 'HASH' ) {
        Carp::croak('SalesForce::XS::plan: the planner input must be a hash reference');
    }
    my $JSON = _JSON();
    return $JSON->decode( plan_json( $JSON->encode($Input) ) );
}

=head2 version()

The version of the Rust library, e.g. C<6.4.0>.

    my $Version = SalesForce::XS::version();

=head2 is_freed()

True once L</DESTROY> has freed the handle (the object is then unusable).

=head2 DESTROY()

Frees the native handle, exactly once: the pointer is cleared first, so a
second call does nothing, and any later call croaks.

B<After fork>: parent and child each hold their own copy of the handle
(fork copies the process memory), and each frees its copy when its object
goes away. The child may keep using the object: the Rust side sees that the
process changed and builds fresh HTTP machinery (connections, TLS sessions)
instead of touching the parent's sockets; the session (login) is reused.
Ithreads: objects are not cloned into new threads (C<CLONE_SKIP>); make a
new client in the thread.

=cut

sub CLONE_SKIP {
    return 1;
}

package SalesForce::XS::Query;    ## no critic (Modules::ProhibitMultiplePackages)

use strict;
use warnings;

=head1 SalesForce::XS::Query

A query opened by L</query()>. It keeps its client alive.

=head2 next_page()

The next page as Perl data (the shape of the C<query> call method's result),
or undef after the last one. Croaks with a L</SalesForce::XS::Error> when a
page cannot be fetched or fails the pager's checks.

=head2 next_json()

Like L</next_page()>, as a JSON string.

=cut

sub next_page {
    my ($Self) = @_;

    my $JSON = $Self->next_json();
    return if !defined $JSON;
    return SalesForce::XS::_JSON()->decode($JSON);
}

sub CLONE_SKIP {
    return 1;
}

package SalesForce::XS::Error;    ## no critic (Modules::ProhibitMultiplePackages)

use strict;
use warnings;

use overload
    '""'     => sub { return $_[0]->as_string() },
    'bool'   => sub { return 1 },
    fallback => 1;

=head1 SalesForce::XS::Error

What the XS calls croak with: a blessed hash with the keys C<code> (the C
C<sf_result> number), C<name> (e.g. C<AUTH>), C<message>, C<sf_code>
(Salesforce's code, e.g. C<INVALID_LOGIN>, or undef), C<http_status> (or
undef) and C<context> (what the library was doing). It stringifies to
C<"SalesForce::XS: "> followed by the library's error text.

=head2 as_string()

    my $Text = $Error->as_string();    # "SalesForce::XS: AUTH INVALID_LOGIN (HTTP 500) during login: ..."

=cut

sub as_string {
    my ($Self) = @_;

    my $Text = 'SalesForce::XS: ' . ( $Self->{name} // 'UNKNOWN' );
    if ( defined $Self->{sf_code} ) {
        $Text .= " $Self->{sf_code}";
    }
    if ( $Self->{http_status} ) {
        $Text .= " (HTTP $Self->{http_status})";
    }
    if ( defined $Self->{context} && length $Self->{context} ) {
        $Text .= " during $Self->{context}";
    }
    return $Text . ': ' . ( $Self->{message} // '' );
}

=head2 code(), name(), message(), sf_code(), http_status(), context()

Read accessors for the fields above.

=cut

for my $Field (qw(code name message sf_code http_status context)) {
    no strict 'refs';    ## no critic (TestingAndDebugging::ProhibitNoStrict)
    *{ __PACKAGE__ . "::$Field" } = sub { return $_[0]->{$Field} };
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see the
enclosed file COPYING for license information (AGPL). If you did not
receive this file, see L<https://www.gnu.org/licenses/agpl.txt>.

=cut
