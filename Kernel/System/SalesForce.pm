# --
# Copyright (C) 2019 CIPHRON GmbH, https://ciphron.de/ (original interface)
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce;

use strict;
use warnings;

use Scalar::Util qw(blessed refaddr reftype);

use Kernel::System::SalesForce::QueryIterator;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::JSON',
    'Kernel::System::Log',
    'Kernel::System::Main',
);

# Why SalesForce::XS did not load in this process (undef: it loaded, or was not tried yet).
our $NativeLoadError;

# The error codes of GetErrorDetails(): the sf_result numbers of the native client
# (include/sfclient.h), also for the errors found here.
use constant {
    CodeNone            => 0,     # not an error of the client (no sf_result)
    CodeInvalidArgument => 3,     # INVALID_ARGUMENT
    CodeConfig          => 4,     # CONFIG (and DISABLED)
    CodeSalesforce      => 6,     # SALESFORCE (and RECORD_ERROR)
    CodeNotSupported    => 13,    # NOT_SUPPORTED
};

# The settings, in one table: new() parameter, SysConfig setting (undef: a
# parameter only), client config key (doc/dev/ARCHITECTURE.md, "Client
# configuration") and the auth flows that get it (a pattern; none: every flow).
# The first eleven parameters are the ones the original module and its console
# commands passed.
my @Settings = (
    [ 'SF',              'SalesForceModule' ],
    [ 'SF_PROXY',        'SalesForceModule::Proxy',        'login_url', 'soap-login' ],
    [ 'SF_URI',          'SalesForceModule::BaseUrl',      'partner_ns' ],
    [ 'SF_PREFIX',       'SalesForceModule::Prefix',       'prefix' ],
    [ 'SF_SOBJECT_URI',  'SalesForceModule::SObjectUrl',   'sobject_ns' ],
    [ 'SF_URIM',         'SalesForceModule::MetaDataUrl',  'metadata_ns' ],
    [ 'SF_APIVERSION',   'SalesForceModule::APIVersion',   'api_version' ],
    [ 'WEB_PROXY',       'SalesForceModule::WebProxy',     'proxy' ],
    [ 'SF_AUTHUSER',     'SalesForceModule::AuthUser',     'username',       'soap-login|oauth-password|oauth-jwt' ],
    [ 'SF_AUTHPASSWORD', 'SalesForceModule::AuthPassword', 'password',       'soap-login|oauth-password' ],
    [ 'SF_AUTHSECTOKEN', 'SalesForceModule::AuthSecToken', 'security_token', 'soap-login|oauth-password' ],
    [ 'AUTH_FLOW',       'SalesForceModule::AuthFlow',     'auth_flow' ],
    [ 'OAUTH_LOGIN_HOST',       'SalesForceModule::OAuth::LoginHost',      'login_host',       'oauth-.*' ],
    [ 'OAUTH_CLIENT_ID',        'SalesForceModule::OAuth::ClientID',       'client_id',        'oauth-.*' ],
    [ 'OAUTH_CLIENT_SECRET',    'SalesForceModule::OAuth::ClientSecret',   'client_secret',    'oauth-(?!jwt).*' ],
    [ 'OAUTH_PRIVATE_KEY_FILE', 'SalesForceModule::OAuth::PrivateKeyFile', 'private_key_file', 'oauth-jwt' ],
    [ 'OAUTH_PRIVATE_KEY',      'SalesForceModule::OAuth::PrivateKey',     'private_key',      'oauth-jwt' ],
    [ 'OAUTH_JWT_AUDIENCE',     'SalesForceModule::OAuth::JWTAudience',    'jwt_audience',     'oauth-jwt' ],
    [ 'OAUTH_REFRESH_TOKEN',    'SalesForceModule::OAuth::RefreshToken',   'refresh_token',    'oauth-refresh-token' ],
    [ 'CA_FILE',                'SalesForceModule::CAFile',                'ca_file' ],
    [ 'CONNECT_TIMEOUT',        'SalesForceModule::ConnectTimeout',        'connect_timeout_secs' ],
    [ 'TIMEOUT',                'SalesForceModule::Timeout',               'timeout_secs' ],
    [ 'BATCH_SIZE',             'SalesForceModule::BatchSize',             'batch_size' ],
    [ 'ACCESS_TOKEN',           undef,                                     'access_token', 'access-token' ],
    [ 'INSTANCE_URL',           undef,                                     'instance_url', 'access-token' ],
);
my %SettingOf = map { $_->[0] => $_->[1] } grep { defined $_->[1] } @Settings;

# Settings whose values are secrets (hidden from every log entry and error message).
my @SecretParams = qw(
    SF_AUTHPASSWORD SF_AUTHSECTOKEN OAUTH_CLIENT_SECRET OAUTH_PRIVATE_KEY OAUTH_REFRESH_TOKEN ACCESS_TOKEN
);
my %IsSecretParam = map { $_ => 1 } @SecretParams;

# The secrets of each object, out of reach of Data::Dumper and Kernel::System::Main::Dump:
# refaddr of the object => { Overrides => { secret new() parameter => value }, Secrets => { value => 1 } }.
# Dropped in DESTROY.
my %Private;

=head1 NAME

Kernel::System::SalesForce - Salesforce API backend

=head1 DESCRIPTION

The Salesforce functions of SalesForce-Customer-Sync-CE for any OTRS code: the
method names, named parameters and result shapes of the original 6.0.1 module
(which used WWW::Salesforce), backed by the native client C<SalesForce::XS>.

The OTRS way: on an error a method logs through L<Kernel::System::Log> (Priority
error; passwords, tokens, keys and session ids never appear in a message) and
returns undef (an empty list in list context). L</GetErrorDetails()> gives the
details of the last error.

=head2 Configuration

From SysConfig C<SalesForceModule> and C<SalesForceModule::*>. Each setting can be
overridden for one object with the parameters the original console commands used,
given to the object manager before the first C<Get>:

    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::SalesForce' => {
            SF              => 1,                       # SalesForceModule (on/off)
            SF_PROXY        => 'https://login.salesforce.com/services/Soap/u/64.0',    # ::Proxy
            SF_URI          => 'urn:partner.soap.sforce.com',                           # ::BaseUrl
            SF_PREFIX       => 'sforce',                                                # ::Prefix
            SF_SOBJECT_URI  => 'urn:sobject.partner.soap.sforce.com',                   # ::SObjectUrl
            SF_URIM         => 'http://soap.sforce.com/2006/04/metadata',               # ::MetaDataUrl
            SF_APIVERSION   => '64.0',                  # ::APIVersion
            WEB_PROXY       => 'http://proxy:3128',     # ::WebProxy
            SF_AUTHUSER     => 'api@example.com',       # ::AuthUser
            SF_AUTHPASSWORD => '...',                   # ::AuthPassword
            SF_AUTHSECTOKEN => '...',                   # ::AuthSecToken

            # new
            AUTH_FLOW              => 'oauth-jwt',      # ::AuthFlow
            OAUTH_LOGIN_HOST       => 'https://login.salesforce.com',    # ::OAuth::LoginHost
            OAUTH_CLIENT_ID        => '...',            # ::OAuth::ClientID
            OAUTH_CLIENT_SECRET    => '...',            # ::OAuth::ClientSecret
            OAUTH_PRIVATE_KEY_FILE => '/path/key.pem',  # ::OAuth::PrivateKeyFile
            OAUTH_PRIVATE_KEY      => '-----BEGIN...',  # ::OAuth::PrivateKey
            OAUTH_JWT_AUDIENCE     => 'https://test.salesforce.com',     # ::OAuth::JWTAudience
            OAUTH_REFRESH_TOKEN    => '...',            # ::OAuth::RefreshToken
            CA_FILE                => '/path/ca.pem',   # ::CAFile
            CONNECT_TIMEOUT        => 10,               # ::ConnectTimeout
            TIMEOUT                => 120,              # ::Timeout
            BATCH_SIZE             => 2000,             # ::BatchSize
            ACCESS_TOKEN           => '...',            # flow access-token only (no setting)
            INSTANCE_URL           => 'https://x.my.salesforce.com',     # flow access-token only
        },
    );

An override given as undef or '' leaves the setting in force. The old pattern of the
original commands, C<local $Kernel::OM = Kernel::System::ObjectManager-E<gt>new( 'Kernel::System::SalesForce' =E<gt> {...} )>,
works as well.

When C<SalesForceModule> is off, every method logs C<SalesForceModule is disabled>
and returns undef.

The client is created on first use and reused by the object. It signs in on the
first call; the original signed in inside C<new()>. API versions below 31.0
(the original defaults were 23.0 and a login URL ending in C</u/8.0>) are retired by
Salesforce: such a value is replaced by 64.0 and a notice names the setting to fix.

=head2 Result shapes

Results are the shapes the original returned from SOAP::Lite, with these
differences, decided on purpose:

=over 4

=item * A record's C<Id> is one string. The original gave C<Id> as an array of two equal
values (C<< $Record->{Id}->[0] >>) when the query selected Id. Callers that still
index it can pass C<IdAsArray =E<gt> 1> to the query functions and L</Retrieve()>.

=item * Empty fields are C<undef>; a parent record (C<Owner.Name>) is a nested hash, a child
subquery a nested query result with C<records> as an array. Records always come
as an array reference, also when there is just one (SOAP::Lite gave a lone
record as a hash).

=item * The flags C<done>, C<success> and C<created> are the strings C<'true'> and C<'false'>,
as the original gave them.

=item * Functions whose SOAP result is a list (L</Retrieve()>, L</Create()>, L</Update()>,
L</UpSert()>, L</Delete()>, L</ConvertLead()>, L</DescribeSObjects()>, L</DescribeTabs()>)
return, like the original C<result()>, the first element in scalar context, and
every element in list context.

=back

=head1 PUBLIC INTERFACE

=head2 new()

Don't use the constructor directly, use the ObjectManager instead:

    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    # Overrides of plain settings are kept in the object, secret ones (and the
    # secrets to hide from messages) in %Private.
    $Self->{Overrides} = {};
    $Private{ refaddr $Self } = {
        Overrides => {},
        Secrets   => {},
    };
    my %Known = map { $_->[0] => 1 } @Settings;
    my @Unknown;
    KEY:
    for my $Key ( sort keys %Param ) {
        if ( !$Known{$Key} ) {
            push @Unknown, $Key;
            next KEY;
        }
        next KEY if !defined $Param{$Key};
        next KEY if ref $Param{$Key};
        next KEY if $Param{$Key} eq '';
        if ( $IsSecretParam{$Key} ) {
            $Private{ refaddr $Self }->{Overrides}->{$Key} = $Param{$Key};
            next KEY;
        }
        $Self->{Overrides}->{$Key} = $Param{$Key};
    }

    # Remember every secret we are given, to hide it from messages.
    $Self->_SecretsAdd( map { $Self->_Setting($_) } @SecretParams );

    if (@Unknown) {
        $Self->_Log(
            'notice',
            'unknown parameter(s) ' . join( ', ', @Unknown ) . ' ignored; known: '
                . join( ', ', map { $_->[0] } @Settings ) . '.'
        );
    }

    return $Self;
}

=head2 DESTROY()

Forgets the secrets of the object (called by Perl when the object goes away).

=cut

sub DESTROY {
    my ( $Self, %Param ) = @_;

    delete $Private{ refaddr $Self };
    return;
}

=head2 Query()

Executes a SOQL query and returns the first page of results.

    my $Data = $SalesForceObject->Query(
        Query     => 'SELECT Id, Name FROM Account',
        Limit     => 500,    # optional, records per page (Salesforce's batch size, 200..2000)
        IdAsArray => 1,      # optional, Id as [ Id, Id ] like the original
    );

Returns:

    $Data = {
        done         => 'false',          # 'true' on the last page
        queryLocator => '01gD0000002HU6KIAW-2000',    # undef on the last page
        size         => 2500,             # total number of records of the query
        records      => [ { type => 'Account', Id => '001...', Name => 'Acme' }, ... ],
    };

=cut

sub Query {
    my ( $Self, %Param ) = @_;

    return $Self->_QueryPage(
        %Param,
        Function => 'Query',
        Method   => 'query'
    );
}

=head2 QueryAll()

Like L</Query()>, including deleted and archived records.

    my $Data = $SalesForceObject->QueryAll(
        Query => 'SELECT Id, Name FROM Account WHERE IsDeleted = true',
        Limit => 500,    # optional
    );

Returns the same shape as L</Query()>.

=cut

sub QueryAll {
    my ( $Self, %Param ) = @_;

    return $Self->_QueryPage(
        %Param,
        Function => 'QueryAll',
        Method   => 'queryAll'
    );
}

=head2 QueryMore()

Retrieves the next page of a L</Query()> or L</QueryAll()>.

    my $Data = $SalesForceObject->QueryMore(
        QueryLocator => $Data->{queryLocator},
        Limit        => 500,    # optional
    );

Returns the same shape as L</Query()>.

=cut

sub QueryMore {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'QueryMore',
        Needed   => ['QueryLocator']
    );

    my %Args = ( query_locator => $Param{QueryLocator} );
    return if !$Self->_BatchSizeArgument( 'QueryMore', \%Param, \%Args );

    my $Result = $Self->_Call( 'QueryMore', 'queryMore', \%Args );
    return if !$Result;
    return $Self->_QueryResult( $Result, %Param );
}

=head2 DoQuery()

Executes a SOQL query and returns all records of all pages.

    my $Records = $SalesForceObject->DoQuery(
        Query     => 'SELECT Id, Name FROM Account',
        Limit     => 2000,    # optional, records per page
        IdAsArray => 1,       # optional
    );

Returns:

    $Records = [ { type => 'Account', Id => '001...', Name => 'Acme' }, ... ];

For very large results use L</QueryIterator()>, which holds one page at a time.

=cut

sub DoQuery {
    my ( $Self, %Param ) = @_;

    return $Self->_QueryAllPages(
        %Param,
        Function => 'DoQuery',
        All      => 0
    );
}

=head2 DoQueryAll()

Like L</DoQuery()>, including deleted and archived records.

    my $Records = $SalesForceObject->DoQueryAll(
        Query => 'SELECT Id, Name, IsDeleted FROM Account',
    );

=cut

sub DoQueryAll {
    my ( $Self, %Param ) = @_;

    return $Self->_QueryAllPages(
        %Param,
        Function => 'DoQueryAll',
        All      => 1
    );
}

=head2 QueryIterator()

New. Returns an iterator over all records of a query that fetches one page at a
time (query, then queryMore), so the caller never holds more than one page.

    my $Iterator = $SalesForceObject->QueryIterator(
        Query     => 'SELECT Id, Name FROM Account',
        BatchSize => 2000,    # optional, records per page (200..2000)
        All       => 1,       # optional, include deleted and archived records
        IdAsArray => 1,       # optional
    );

    RECORD:
    while ( my $Record = $Iterator->Next() ) {
        ...
    }
    if ( $Iterator->Error() ) {
        # a page could not be fetched (already logged)
    }

Returns the iterator (see L<Kernel::System::SalesForce::QueryIterator>), or undef
when the first page cannot be fetched.

=cut

sub QueryIterator {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'QueryIterator',
        Needed   => ['Query']
    );

    my %Args = (
        soql => $Param{Query},
        all  => $Param{All} ? \1 : \0,
    );
    return if !$Self->_BatchSizeArgument( 'QueryIterator', \%Param, \%Args );

    my $Client = $Self->_Client('QueryIterator');
    return if !$Client;
    my $Query = eval { $Client->query( \%Args ) };
    if ( !$Query ) {
        $Self->_Error( 'QueryIterator', $@ );
        return;
    }

    my $Iterator = Kernel::System::SalesForce::QueryIterator->new(
        NextPage => sub {
            my $Page;
            my $Ok = eval {
                $Page = $Query->next_page();
                1;
            };
            if ( !$Ok ) {
                $Self->_Error( 'QueryIterator', $@ );
                return ( undef, $Self->{LastError} );
            }
            return if !$Page;
            return $Self->_QueryResult( $Page, IdAsArray => $Param{IdAsArray} );
        },
    );
    return if !$Iterator->Start();
    return $Iterator;
}

=head2 Search()

Searches with SOSL.

    my $Data = $SalesForceObject->Search(
        SearchString => 'FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name), Contact(Id, LastName)',
    );

Returns:

    $Data = {
        searchRecords => [ { record => { type => 'Account', Id => '001...', Name => 'Acme' } }, ... ],
        records       => [ { type => 'Account', Id => '001...', Name => 'Acme' }, ... ],    # the same records
    };

=cut

sub Search {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Search',
        Needed   => ['SearchString']
    );

    my $Result = $Self->_Call( 'Search', 'search', { sosl => $Param{SearchString} } );
    return if !$Result;

    my @Records = @{ $Result->{records} || [] };
    return {
        searchRecords => [ map { { record => $_ } } @Records ],
        records       => \@Records,
    };
}

=head2 Retrieve()

Retrieves records by Id.

    my $Record = $SalesForceObject->Retrieve(
        Fields    => 'Id, Name, Website',           # or [ 'Id', 'Name', 'Website' ]
        Type      => 'Account',
        IDs       => [ '0011i000007KbwNAAS', ],
        IdAsArray => 1,                             # optional
    );
    my @Records = $SalesForceObject->Retrieve( ... );    # all records

Returns the first record (scalar context) or all records (list context); an Id
that does not exist gives undef in its place.

=cut

sub Retrieve {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Retrieve',
        Needed   => [ 'Fields', 'Type', 'IDs' ],
        Arrays   => ['IDs'],
    );

    my @Fields = ref $Param{Fields} eq 'ARRAY'
        ? @{ $Param{Fields} }
        : grep { $_ ne '' } split /\s*,\s*/, $Param{Fields};

    my $Result = $Self->_Call(
        'Retrieve', 'retrieve',
        {
            fields => \@Fields,
            type   => $Param{Type},
            ids    => $Param{IDs},
        }
    );
    return if !$Result;

    my @Records = map { $Self->_Record( $_, %Param ) } @{ $Result->{records} || [] };
    return $Self->_ListResult(@Records);
}

=head2 Create()

Creates one record (or several) of an object type.

    my $Created = $SalesForceObject->Create(
        Type => 'Account',
        Name => 'Test',
        ...                  # further fields of the record
    );

    my @Created = $SalesForceObject->Create(
        Type    => 'Contact',
        Records => [ { LastName => 'One' }, { LastName => 'Two' } ],    # several records
    );

A field given as undef is sent empty. C<Data =E<gt> { ... }> may hold the fields
instead of giving them as parameters.

Returns the result of the first record (scalar context) or of all (list context):

    $Created = { id => '001...', success => 'true', errors => [] };
    $Created = { id => undef, success => 'false', errors => [ { statusCode => 'REQUIRED_FIELD_MISSING', message => '...', fields => ['Name'] } ] };

A record Salesforce refused is logged (Priority error); the result is still returned.

=cut

sub Create {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Create',
        Needed   => ['Type']
    );

    my @Records;
    if ( $Param{Records} ) {
        return $Self->_NeedError( 'Create', 'Records must be an array reference of hashes!' )
            if ref $Param{Records} ne 'ARRAY' || grep { ref $_ ne 'HASH' } @{ $Param{Records} };
        @Records = @{ $Param{Records} };
    }
    elsif ( $Param{Data} ) {
        return $Self->_NeedError( 'Create', 'Data must be a hash reference!' ) if ref $Param{Data} ne 'HASH';
        @Records = ( { %{ $Param{Data} } } );
    }
    else {
        my %Fields = %Param;
        delete @Fields{qw(Type Data Records)};
        @Records = ( \%Fields );
    }
    if ( !@Records || grep { !%{$_} } @Records ) {
        return $Self->_NeedError( 'Create', 'Need fields of the record to create (e.g. Name)!' );
    }

    return $Self->_SaveRecords(
        Function => 'Create',
        Method   => 'create',
        Type     => $Param{Type},
        Records  => \@Records,
    );
}

=head2 Update()

Updates one record (or several); C<Data> must hold its C<id> (or C<Id>).

    my $Updated = $SalesForceObject->Update(
        Type => 'Account',
        Data => {
            id   => '0011i0000080mbDAAQ',
            Name => 'TestUpdate',
            Fax  => undef,            # undef empties the field
        },
    );
    my @Updated = $SalesForceObject->Update(
        Type => 'Account',
        Data => [ { id => '001...', Name => 'A' }, { id => '001...', Name => 'B' } ],
    );

Returns the save results as L</Create()> does.

=cut

sub Update {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Update',
        Needed   => [ 'Type', 'Data' ]
    );

    my @Records = $Self->_DataRecords( 'Update', $Param{Data} );
    return if !@Records;
    for my $Record (@Records) {
        if ( !$Record->{Id} ) {
            return $Self->_NeedError( 'Update', "Need 'id' in Data!" );
        }
    }

    return $Self->_SaveRecords(
        Function => 'Update',
        Method   => 'update',
        Type     => $Param{Type},
        Records  => \@Records,
    );
}

=head2 UpSert()

Creates or updates records, matching on C<Key> (a field marked as external Id, or
C<Id>, the default). Matching on C<Id>, a record without an C<Id> is created.

    my $UpSerted = $SalesForceObject->UpSert(
        Type => 'Account',
        Key  => 'External_Id__c',          # optional, default 'Id'
        Data => {
            External_Id__c => 'A-1',
            Name           => 'TestUpSert',
        },                                 # or an array reference of such hashes
    );

Returns the save results as L</Create()> does; each also has C<created> (C<'true'>
when the record was inserted).

=cut

sub UpSert {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'UpSert',
        Needed   => [ 'Type', 'Data' ]
    );

    my @Records = $Self->_DataRecords( 'UpSert', $Param{Data} );
    return if !@Records;

    my $Key = $Param{Key} || 'Id';
    $Key = 'Id' if lc $Key eq 'id';

    # Matching on Id, a record without an Id is new: it is created (as the original
    # documented: "id - need for update, name - need for create").
    my ( @UpSertIndex, @CreateIndex );
    for my $Index ( 0 .. $#Records ) {
        if ( $Key eq 'Id' && !$Records[$Index]->{Id} ) {
            push @CreateIndex, $Index;
        }
        else {
            push @UpSertIndex, $Index;
        }
    }

    my @Results;
    if (@UpSertIndex) {
        my $Result = $Self->_Call(
            'UpSert', 'upsert',
            {
                type              => $Param{Type},
                external_id_field => $Key,
                records           => [ map { $Self->_RecordArgument( $Records[$_] ) } @UpSertIndex ],
            }
        );
        return if !$Result;
        @Results[@UpSertIndex] = @{ $Result->{results} || [] };
    }
    if (@CreateIndex) {
        my $Result = $Self->_Call(
            'UpSert', 'create',
            {
                type    => $Param{Type},
                records => [ map { $Self->_RecordArgument( $Records[$_] ) } @CreateIndex ],
            }
        );
        return if !$Result;
        @Results[@CreateIndex] = map {
            { %{$_}, created => $_->{success} }
        } @{ $Result->{results} || [] };
    }

    return $Self->_SaveResults( 'UpSert', { results => [ grep {defined} @Results ] } );
}

=head2 Delete()

Deletes records by Id.

    my $Deleted = $SalesForceObject->Delete(
        IDs => [ '0011i000007KbwPAAS', ],
    );

Returns the results as L</Create()> does (first in scalar context, all in list context):

    $Deleted = { id => '0011i000007KbwPAAS', success => 'true', errors => [] };

=cut

sub Delete {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Delete',
        Needed   => ['IDs'],
        Arrays   => ['IDs']
    );

    my $Result = $Self->_Call( 'Delete', 'delete', { ids => $Param{IDs} } );
    return if !$Result;
    return $Self->_SaveResults( 'Delete', $Result );
}

=head2 DescribeGlobal()

Lists the object types of the org.

    my $ObjectList = $SalesForceObject->DescribeGlobal();

Returns:

    $ObjectList = {
        encoding     => 'UTF-8',
        maxBatchSize => 200,
        sobjects     => [ { name => 'Account', label => 'Account', keyPrefix => '001', ... }, ... ],
    };

=cut

sub DescribeGlobal {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'DescribeGlobal' );
    return $Self->_Call( 'DescribeGlobal', 'describeGlobal', {} );
}

=head2 DescribeSObject()

Describes one object type (fields and properties).

    my $MetaData = $SalesForceObject->DescribeSObject(
        Type => 'Account',
    );

Returns:

    $MetaData = { name => 'Account', label => 'Account', keyPrefix => '001', fields => [ { name => 'Id', type => 'id', ... }, ... ], ... };

=cut

sub DescribeSObject {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'DescribeSObject',
        Needed   => ['Type']
    );
    return $Self->_Call( 'DescribeSObject', 'describeSObject', { type => $Param{Type} } );
}

=head2 DescribeSObjects()

Describes several object types.

    my $First = $SalesForceObject->DescribeSObjects(
        Type => [ 'Account', 'Contact', 'CustomObject__c', ],
    );
    my @All = $SalesForceObject->DescribeSObjects( Type => [ 'Account', 'Contact' ] );

Returns the description of the first type (scalar context) or of all (list
context), each as L</DescribeSObject()> gives it.

=cut

sub DescribeSObjects {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'DescribeSObjects',
        Needed   => ['Type'],
        Arrays   => ['Type']
    );

    my $Result = $Self->_Call( 'DescribeSObjects', 'describeSObjects', { types => $Param{Type} } );
    return if !$Result;
    return $Self->_ListResult( @{ $Result->{results} || [] } );
}

=head2 DescribeLayout()

Describes the page layouts of an object type.

    my $Layout = $SalesForceObject->DescribeLayout(
        Type          => 'Account',
        RecordTypeIDs => [ '012...' ],    # optional
    );

Returns the layout description as a hash reference.

=cut

sub DescribeLayout {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'DescribeLayout',
        Needed   => ['Type'],
        Arrays   => ['RecordTypeIDs'],
    );

    my %Args = ( type => $Param{Type} );
    if ( $Param{RecordTypeIDs} ) {
        $Args{record_type_ids} = $Param{RecordTypeIDs};
    }
    return $Self->_Call( 'DescribeLayout', 'describeLayout', \%Args );
}

=head2 DescribeTabs()

Describes the apps (tab sets) the user can see.

    my $FirstApp = $SalesForceObject->DescribeTabs();
    my @Apps     = $SalesForceObject->DescribeTabs();

Returns the first tab set (scalar context) or all (list context).

=cut

sub DescribeTabs {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'DescribeTabs' );

    my $Result = $Self->_Call( 'DescribeTabs', 'describeTabs', {} );
    return if !$Result;
    return $Self->_ListResult( @{ $Result->{tab_sets} || [] } );
}

=head2 GetUserInfo()

Information about the signed-in user.

    my $UserInfo = $SalesForceObject->GetUserInfo();

Returns:

    $UserInfo = { userId => '005...', userName => 'api@example.com', organizationId => '00D...', userFullName => '...', ... };

=cut

sub GetUserInfo {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'GetUserInfo' );
    return $Self->_Call( 'GetUserInfo', 'getUserInfo', {} );
}

=head2 GetServerTimeStamp()

The current time of the Salesforce server (UTC).

    my $TimeStamp = $SalesForceObject->GetServerTimeStamp();

Returns:

    $TimeStamp = { timestamp => '2026-01-01T00:00:00.000Z' };

=cut

sub GetServerTimeStamp {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'GetServerTimeStamp' );

    my $Result = $Self->_Call( 'GetServerTimeStamp', 'getServerTimestamp', {} );
    return if !$Result;
    return { timestamp => $Result->{timestamp} };
}

=head2 SFDate()

Converts a time in epoch seconds (default: now) to the date format Salesforce
expects (UTC). Needs no connection.

    my $SFDate = $SalesForceObject->SFDate(
        Time => 1700000000,    # optional, default now
    );

Returns:

    $SFDate = '2023-11-14T22:13:20.000Z';

=cut

sub SFDate {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'SFDate' );

    my $Time = $Param{Time} // time;
    if ( $Time !~ m{\A[0-9]+\z} ) {
        return $Self->_NeedError( 'SFDate', 'Time must be epoch seconds!' );
    }

    my @Parts = gmtime $Time;
    return sprintf(
        '%04d-%02d-%02dT%02d:%02d:%02d.000Z',
        $Parts[5] + 1900, $Parts[4] + 1, $Parts[3], $Parts[2], $Parts[1], $Parts[0]
    );
}

=head2 GetUpdated()

Ids of records of a type added or changed in a time span (at most 30 days back).

    my $UpdatedList = $SalesForceObject->GetUpdated(
        Type  => 'Account',
        Start => '2019-04-09T11:01:00.000Z',
        End   => '2019-04-11T08:42:00.000Z',
    );

Returns:

    $UpdatedList = { ids => [ '001...', ... ], latestDateCovered => '2019-04-11T08:42:00.000Z' };

=cut

sub GetUpdated {
    my ( $Self, %Param ) = @_;

    my $Result = $Self->_ChangedInSpan(
        %Param,
        Function => 'GetUpdated',
        Method   => 'getUpdated',
    );
    return if !$Result;
    return {
        ids               => $Result->{ids} || [],
        latestDateCovered => $Result->{latest_date_covered},
    };
}

=head2 GetDeleted()

Records of a type deleted in a time span (at most 15 days back).

    my $DeletedList = $SalesForceObject->GetDeleted(
        Type  => 'Account',
        Start => '2019-04-09T11:01:00.000Z',
        End   => '2019-04-11T08:42:00.000Z',
    );

Returns:

    $DeletedList = {
        deletedRecords        => [ { id => '001...', deletedDate => '2019-04-10T10:00:00.000Z' }, ... ],
        earliestDateAvailable => '2019-03-27T00:00:00.000Z',
        latestDateCovered     => '2019-04-11T08:42:00.000Z',
    };

=cut

sub GetDeleted {
    my ( $Self, %Param ) = @_;

    my $Result = $Self->_ChangedInSpan(
        %Param,
        Function => 'GetDeleted',
        Method   => 'getDeleted',
    );
    return if !$Result;
    return {
        deletedRecords => [
            map { { id => $_->{id}, deletedDate => $_->{deleted_date} } } @{ $Result->{deleted} || [] }
        ],
        earliestDateAvailable => $Result->{earliest_date_available},
        latestDateCovered     => $Result->{latest_date_covered},
    };
}

=head2 ConvertLead()

Converts Leads into Accounts and Contacts (and optionally Opportunities).
The n-th entry of C<ContactID> / C<AccountID> belongs to the n-th Lead.

    my $Converted = $SalesForceObject->ConvertLead(
        LeadID                 => [ '00Q...', '00Q...' ],
        ConvertedStatus        => 'Closed - Converted',    # a converted lead status of the org
        AccountID              => [ '001...', undef ],      # optional, merge into these Accounts
        ContactID              => [ '003...', undef ],      # optional, merge into these Contacts
        DoNotCreateOpportunity => 1,                        # optional
        OpportunityName        => 'Deal',                   # optional
        OwnerID                => '005...',                 # optional
        OverwriteLeadSource    => 0,                        # optional
        SendNotificationEmail  => 0,                        # optional
    );

C<OpportunityID>, accepted by the original, is not part of a lead conversion in the
Salesforce API and is ignored.

Returns the first result (scalar context) or all (list context):

    $Converted = { leadId => '00Q...', accountId => '001...', contactId => '003...', opportunityId => undef,
                   success => 'true', errors => [] };

=cut

sub ConvertLead {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'ConvertLead',
        Needed   => ['LeadID'],
        Arrays   => [qw(LeadID ContactID AccountID OpportunityID)],
    );

    my @Converts;
    my $Index = 0;
    for my $LeadID ( @{ $Param{LeadID} } ) {
        my %Convert = ( leadId => $LeadID );
        if ( $Param{ConvertedStatus} ) {
            $Convert{convertedStatus} = $Param{ConvertedStatus};
        }
        if ( $Param{AccountID} && defined $Param{AccountID}->[$Index] ) {
            $Convert{accountId} = $Param{AccountID}->[$Index];
        }
        if ( $Param{ContactID} && defined $Param{ContactID}->[$Index] ) {
            $Convert{contactId} = $Param{ContactID}->[$Index];
        }
        if ( $Param{OwnerID} ) {
            $Convert{ownerId} = $Param{OwnerID};
        }
        if ( $Param{OpportunityName} ) {
            $Convert{opportunityName} = $Param{OpportunityName};
        }
        for my $Flag (qw(DoNotCreateOpportunity OverwriteLeadSource SendNotificationEmail)) {
            next if !defined $Param{$Flag};
            $Convert{ lcfirst $Flag } = $Param{$Flag} ? \1 : \0;
        }
        push @Converts, \%Convert;
        $Index++;
    }

    my $Result = $Self->_Call( 'ConvertLead', 'convertLead', { lead_converts => \@Converts } );
    return if !$Result;
    return $Self->_SaveResults( 'ConvertLead', $Result );
}

=head2 SetPassword()

Sets a user's password.

    my $Success = $SalesForceObject->SetPassword(
        UserID   => '005...',
        Password => 'New-Secret-1',
    );

Returns 1 on success.

=cut

sub SetPassword {
    my ( $Self, %Param ) = @_;

    $Self->_SecretsAdd( $Param{Password} );
    return if !$Self->_Check(
        \%Param,
        Function => 'SetPassword',
        Needed   => [ 'UserID', 'Password' ]
    );

    my $Result = $Self->_Call(
        'SetPassword', 'setPassword',
        {
            user_id  => $Param{UserID},
            password => $Param{Password},
        }
    );
    return if !$Result;
    return 1;
}

=head2 ResetPassword()

Resets a user's password to a value Salesforce generates.

    my $Result = $SalesForceObject->ResetPassword(
        UserID => '005...',
    );

Returns (the new password is given to the caller only, never logged):

    $Result = { password => 'generated' };

=cut

sub ResetPassword {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'ResetPassword',
        Needed   => ['UserID']
    );

    my $Result = $Self->_Call( 'ResetPassword', 'resetPassword', { user_id => $Param{UserID} } );
    return if !$Result;

    $Self->_SecretsAdd( $Result->{password} );
    return { password => $Result->{password} };
}

=head2 Logout()

Ends the Salesforce session (sessions are limited per user). The next call of this
object signs in again.

    my $Success = $SalesForceObject->Logout();

Returns 1 on success.

=cut

sub Logout {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'Logout' );

    my $Result = $Self->_Call( 'Logout', 'logout', {} );

    # Start afresh either way: the next call builds a new client and signs in again.
    delete $Self->{Client};
    return if !$Result;
    return 1;
}

=head2 GetSessionID()

=head2 GetUserID()

=head2 GetUserName()

One field of the current Salesforce session (signing in first if needed):

    my $SID      = $SalesForceObject->GetSessionID();    # the session id
    my $UID      = $SalesForceObject->GetUserID();       # e.g. '005D0000001AbCdIAK'
    my $Username = $SalesForceObject->GetUserName();     # e.g. 'api@example.com'

The session id is a secret: it grants access as the API user until it expires;
never log it.

=cut

# The session functions: name => field of the session.
my %SessionFunctions = (
    GetSessionID => 'session_id',
    GetUserID    => 'user_id',
    GetUserName  => 'user_name',
);
for my $Function ( sort keys %SessionFunctions ) {
    no strict 'refs';    ## no critic (one method per session field)
    *{$Function} = sub {
        my ( $Self, %Param ) = @_;

        return $Self->_SessionField(
            %Param,
            Function => $Function,
            Field    => $SessionFunctions{$Function},
        );
    };
}

=head2 GetFieldList()

The fields of an object type, as L</DescribeSObject()> describes them.

    my $Fields = $SalesForceObject->GetFieldList(
        TableName => 'Account',
    );

Returns:

    $Fields = [ { name => 'Id', type => 'id', ... }, { name => 'Name', ... }, ... ];

=cut

sub GetFieldList {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'GetFieldList',
        Needed   => ['TableName']
    );

    my $Result = $Self->_Call( 'GetFieldList', 'describeSObject', { type => $Param{TableName} } );
    return if !$Result;
    return $Result->{fields} || [];
}

=head2 GetTables()

The names of all object types of the org.

    my $Tables = $SalesForceObject->GetTables();

Returns:

    $Tables = [ 'Account', 'Contact', ... ];

=cut

sub GetTables {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'GetTables' );

    my $Result = $Self->_Call( 'GetTables', 'describeGlobal', {} );
    return if !$Result;
    return [ map { $_->{name} } @{ $Result->{sobjects} || [] } ];
}

=head2 GetErrorDetails()

Details of what went wrong.

Without C<Result>: the last error of this object (a failed call, a refused login, a
record Salesforce refused, a missing parameter):

    my $Error = $SalesForceObject->GetErrorDetails();

    $Error = {
        Function   => 'Query',                     # the method of this object
        Code       => 6,                            # the sf_result number of the kind
        Name       => 'SALESFORCE',                 # error kind: CONFIG, AUTH, SALESFORCE, TRANSPORT, TIMEOUT, ... as the
                                                    # native client names them, and DISABLED (SalesForceModule off),
                                                    # INVALID_ARGUMENT (a parameter is missing or wrong),
                                                    # RECORD_ERROR (Salesforce refused a record), NOT_SUPPORTED
        Message    => 'INVALID_FIELD: ...',
        SFCode     => 'INVALID_FIELD',              # Salesforce's errorCode, if any
        HTTPStatus => 500,                          # if any
        Context    => '...',                        # if any
    };

With C<Result> (a result of L</Create()>, L</Update()>, L</UpSert()>, L</Delete()>,
L</ConvertLead()>): its first error, as the original gave it.

    my $RecordError = $SalesForceObject->GetErrorDetails(
        Result => $Created,
    );

    $RecordError = { statusCode => 'REQUIRED_FIELD_MISSING', message => '...', fields => [ 'Name' ] };

Returns undef when there is no error.

=cut

sub GetErrorDetails {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'GetErrorDetails' );

    if ( exists $Param{Result} ) {
        my @Results = ref $Param{Result} eq 'ARRAY' ? @{ $Param{Result} } : ( $Param{Result} );
        RESULT:
        for my $Result (@Results) {
            next RESULT if ref $Result ne 'HASH';
            my $Errors = $Result->{errors};
            next RESULT if !$Errors;
            my @Errors = ref $Errors eq 'ARRAY' ? @{$Errors} : ($Errors);
            return { %{ $Errors[0] } } if @Errors && ref $Errors[0] eq 'HASH';
        }
        return;
    }

    return if !$Self->{LastError};
    return { %{ $Self->{LastError} } };
}

=head2 ConfigurationWarnings()

New. What the client's check of the settings replaced or doubts, each naming the
setting to change (e.g. a retired API version, replaced by the current default).
Sends nothing to Salesforce. Returns the list (empty when all is well), or nothing
when no client can be made (the reason is logged; with C<Quiet> as a notice, not
an error).

    my @Warnings = $SalesForceObject->ConfigurationWarnings(
        Quiet => 1,    # optional
    );

=cut

sub ConfigurationWarnings {
    my ( $Self, %Param ) = @_;

    # Quiet: a client that cannot be made is the caller's business (e.g. the
    # upgrade, where settings may still point at a file that is gone).
    local $Self->{LogErrorsAs} = $Param{Quiet} ? 'notice' : undef;
    return if !$Self->_Client('ConfigurationWarnings');
    return @{ $Self->{ConfigurationWarnings} };
}

=head2 TestConnection()

New. Signs in and reports who and where we are. No secrets in the result.

    my $Info = $SalesForceObject->TestConnection();

Returns:

    $Info = {
        UserID       => '005...',
        UserName     => 'api@example.com',
        UserFullName => 'Integration User',
        OrgID        => '00D...',
        OrgName      => 'Example Ltd.',
        InstanceURL  => 'https://example.my.salesforce.com',
        APIVersion   => '64.0',
        AuthFlow     => 'soap-login',
        Warnings     => [ ... ],       # configuration notes, also logged as notices
        APIUsage     => {
            APICalls => 3,             # calls made by this object
            Logins   => 1,
            Retries  => 0,
            Current  => 1234,          # org's API requests in the last 24 hours (if reported)
            Limit    => 15000,         # the org's daily limit (if reported)
        },
    };

=cut

sub TestConnection {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => 'TestConnection' );

    my $Login = $Self->_Call( 'TestConnection', 'login', {} );
    return if !$Login;

    my @Warnings = @{ $Login->{warnings} || [] };
    for my $Warning (@Warnings) {
        $Self->_Log( 'notice', "Salesforce configuration: $Warning" );
    }

    my $UserInfo = $Self->_Call( 'TestConnection', 'getUserInfo', {} );
    return if !$UserInfo;

    my $Usage = $Self->_Call( 'TestConnection', 'usage', {} );
    return if !$Usage;

    my $LimitInfo = ref $Usage->{limit_info} eq 'HASH' ? $Usage->{limit_info} : {};

    return {
        UserID       => $Login->{user_id},
        UserName     => $Login->{user_name},
        UserFullName => $UserInfo->{userFullName},
        OrgID        => $Login->{org_id},
        OrgName      => $UserInfo->{organizationName},
        InstanceURL  => $Login->{instance_url},
        APIVersion   => $Login->{api_version},
        AuthFlow     => $Login->{flow},
        Warnings     => \@Warnings,
        APIUsage     => {
            APICalls => $Usage->{api_calls},
            Logins   => $Usage->{logins},
            Retries  => $Usage->{retries},
            Current  => $LimitInfo->{current},
            Limit    => $LimitInfo->{limit},
        },
    };
}

=head2 ConnectionSettings()

New. The sign-in settings in force for the configured auth flow, for an admin to
read: each setting the flow uses, with its value, or for a secret only whether it
is set. Makes no connection.

    my @Settings = $SalesForceObject->ConnectionSettings();

Returns:

    (
        { Name => 'SalesForceModule::AuthFlow',  Value => 'soap-login', Secret => 0 },
        { Name => 'SalesForceModule::AuthUser',  Value => 'api@example.com', Secret => 0 },
        { Name => 'SalesForceModule::AuthPassword', Set => 1, Secret => 1 },   # never the value
        ...
    )

=cut

sub ConnectionSettings {
    my ( $Self, %Param ) = @_;

    my $Flow = $Self->_Setting('AUTH_FLOW') // 'soap-login';
    my @Result;
    ROW:
    for my $Row (@Settings) {
        my ( $ParamName, $Name, $Key, $Flows ) = @{$Row};
        next ROW if !$Name || !$Key;
        next ROW if $Flows && $Flow !~ m{\A(?:$Flows)\z};
        my $Value = $Self->_Setting($ParamName);
        if ( $IsSecretParam{$ParamName} ) {
            push @Result, {
                Name   => $Name,
                Set    => defined $Value ? 1 : 0,
                Secret => 1
            };
            next ROW;
        }
        $Value = $Flow if $ParamName eq 'AUTH_FLOW';

        # A proxy address may carry credentials: shown without them.
        $Value =~ s{ (://) [^/\s@]+ @ }{$1***@}xms if defined $Value;
        push @Result, {
            Name   => $Name,
            Value  => $Value,
            Secret => 0
        };
    }
    return @Result;
}

=head2 Call()

New. Runs any method of the native client (see doc/dev/ARCHITECTURE.md, "Call
methods") and returns its result unchanged (JSON data as Perl data).

    my $Result = $SalesForceObject->Call(
        Method => 'rest_query',
        Args   => { soql => 'SELECT Id FROM Account' },    # optional
    );

Returns the result hash reference.

=cut

sub Call {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => 'Call',
        Needed   => ['Method']
    );

    my $Args = $Param{Args} // {};
    if ( ref $Args ne 'HASH' ) {
        return $Self->_NeedError( 'Call', 'Args must be a hash reference!' );
    }

    my $Result = $Self->_Call( 'Call', $Param{Method}, $Args );
    return if !$Result;

    if ( $Param{Method} eq 'logout' ) {
        delete $Self->{Client};
    }
    if ( $Param{Method} eq 'session' ) {
        $Self->_SecretsAdd( $Result->{session_id} );
    }
    return $Result;
}

=head2 DescribeMetadata()

=head2 RetrieveMetadata()

=head2 CheckAsyncStatus()

=head2 CheckRetrieveStatus()

Not supported: the Salesforce Metadata API is not part of this package. Each logs an
error that names what to use instead and returns undef:

    DescribeMetadata()      DescribeGlobal() / DescribeSObject() for the data model
    RetrieveMetadata()      the Salesforce CLI (sf project retrieve start)
    CheckAsyncStatus()      the Salesforce CLI (sf project deploy report)
    CheckRetrieveStatus()   the Salesforce CLI (sf project retrieve start)

    my $Metadata = $SalesForceObject->DescribeMetadata();
    my $Status   = $SalesForceObject->CheckAsyncStatus(
        PID => 5,
    );

=cut

# The unsupported Metadata API functions of the original: name => what to use instead.
my %NotSupportedFunctions = (
    DescribeMetadata    => 'DescribeGlobal() or DescribeSObject()',
    RetrieveMetadata    => 'the Salesforce CLI (sf project retrieve start)',
    CheckAsyncStatus    => 'the Salesforce CLI (sf project deploy report)',
    CheckRetrieveStatus => 'the Salesforce CLI (sf project retrieve start)',
);
for my $Function ( sort keys %NotSupportedFunctions ) {
    no strict 'refs';    ## no critic (one method per unsupported function)
    *{$Function} = sub {
        my ( $Self, %Param ) = @_;

        return $Self->_NotSupported( $Function, $NotSupportedFunctions{$Function} );
    };
}

=begin Internal:

=head2 _Setting()

The value of a setting: the new() override if given, else SysConfig.

=cut

sub _Setting {
    my ( $Self, $Param ) = @_;

    return $Self->{Overrides}->{$Param} if exists $Self->{Overrides}->{$Param};

    my $SecretOverrides = $Self->_Private()->{Overrides};
    return $SecretOverrides->{$Param} if exists $SecretOverrides->{$Param};

    my $Name = $SettingOf{$Param};
    return if !$Name;

    my $Value = $Kernel::OM->Get('Kernel::Config')->Get($Name);
    return if !defined $Value || ref $Value;

    # Secrets are taken as they are; other values without surrounding blanks.
    if ( !$IsSecretParam{$Param} ) {
        $Value =~ s{\A\s+|\s+\z}{}g;
    }
    return if $Value eq '';
    return $Value;
}

# A name for the admin: the setting, plus the override parameter if that was used.
sub _SettingName {
    my ( $Self, $Param ) = @_;

    my $Name = $SettingOf{$Param};
    return "the parameter $Param" if !$Name;
    if ( exists $Self->{Overrides}->{$Param} || exists $Self->_Private()->{Overrides}->{$Param} ) {
        return "$Name (given as parameter $Param)";
    }
    return $Name;
}

sub _Enabled {
    my ( $Self, %Param ) = @_;

    return 1 if $Self->_Setting('SF');
    return;
}

# Disabled switch and parameter checks, logged the OTRS way.
sub _Check {
    my ( $Self, $Param, %Check ) = @_;

    if ( !$Self->_Enabled() ) {
        $Self->{LastError} = {
            Function => $Check{Function},
            Code     => CodeConfig,
            Name     => 'DISABLED',
            Message  => 'SalesForceModule is disabled',
        };
        $Self->_Log( 'error', "$Check{Function}: SalesForceModule is disabled" );
        return;
    }

    for my $Needed ( @{ $Check{Needed} || [] } ) {
        if ( !defined $Param->{$Needed} || $Param->{$Needed} eq '' ) {
            $Self->_NeedError( $Check{Function}, "Need $Needed!" );
            return;
        }
    }
    for my $Array ( @{ $Check{Arrays} || [] } ) {
        next if !defined $Param->{$Array};
        if ( ref $Param->{$Array} ne 'ARRAY' ) {
            $Self->_NeedError( $Check{Function}, "$Array must be an array reference!" );
            return;
        }
        if ( !@{ $Param->{$Array} } && grep { $_ eq $Array } @{ $Check{Needed} || [] } ) {
            $Self->_NeedError( $Check{Function}, "Need $Array (an empty list was given)!" );
            return;
        }
    }
    return 1;
}

sub _NeedError {
    my ( $Self, $Function, $Message, %Kind ) = @_;

    $Self->{LastError} = {
        Function => $Function,
        Code     => $Kind{Code} // CodeInvalidArgument,
        Name     => $Kind{Name} // 'INVALID_ARGUMENT',
        Message  => $Message,
    };
    $Self->_Log( 'error', "$Function: $Message" );
    return;
}

sub _NotSupported {
    my ( $Self, $Function, $Instead ) = @_;

    return if !$Self->_Check( {}, Function => $Function );
    return $Self->_NeedError(
        $Function,
        "not supported: the Salesforce Metadata API is not part of SalesForce-Customer-Sync; use $Instead instead.",
        Code => CodeNotSupported,
        Name => 'NOT_SUPPORTED',
    );
}

sub _Log {
    my ( $Self, $Priority, $Message ) = @_;

    if ( $Priority eq 'error' && $Self->{LogErrorsAs} ) {
        $Priority = $Self->{LogErrorsAs};
    }
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => $Priority,
        Message  => 'SalesForce: ' . $Self->_Scrub($Message),
    );
    return 1;
}

=head2 _Private()

The secrets of this object (see C<%Private>): a hash reference with C<Overrides>
(secret new() parameters) and C<Secrets> (values to hide from messages).

=cut

sub _Private {
    my ( $Self, %Param ) = @_;

    # An object made without new() (a subclass, a copy) starts empty.
    $Private{ refaddr $Self } //= {
        Overrides => {},
        Secrets   => {},
    };
    return $Private{ refaddr $Self };
}

sub _SecretsAdd {
    my ( $Self, @Values ) = @_;

    my $Secrets = $Self->_Private()->{Secrets};

    VALUE:
    for my $Value (@Values) {
        next VALUE if !defined $Value || ref $Value || length $Value < 4;
        $Secrets->{$Value} = 1;

        # A PEM key: also every line of its body.
        if ( $Value =~ m{-----BEGIN} ) {
            LINE:
            for my $Line ( split /\r?\n/, $Value ) {
                next LINE if $Line =~ m{-----} || length $Line < 16;
                $Secrets->{$Line} = 1;
            }
        }
    }
    return 1;
}

sub _Scrub {
    my ( $Self, $Text ) = @_;

    $Text //= '';

    # Longest first, so a secret containing another is hidden as a whole.
    my $Secrets = $Self->_Private()->{Secrets};
    for my $Secret ( sort { length $b <=> length $a || $a cmp $b } keys %{$Secrets} ) {
        my $Pattern = quotemeta $Secret;
        $Text =~ s{$Pattern}{[hidden]}g;
    }

    # Credentials in URLs (proxy user:password@host).
    $Text =~ s{(\w+://)[^/\s:@]+:[^/\s@]+@}{$1\[hidden\]@}g;

    return $Text;
}

=head2 _Client()

The native client, created once per object on first use from L</_ClientConfig()>
plus C<setting_names> (client config key => SysConfig setting, or the new()
parameter that overrides it, for its messages).

=cut

sub _Client {
    my ( $Self, $Function ) = @_;

    return $Self->{Client} if $Self->{Client};

    my $Config = $Self->_ClientConfig($Function);
    return if !$Config;

    # Perl loads a module once: after a failed require, a second one only says
    # "Attempt to reload", so the first reason is kept for the whole process.
    if ( !$NativeLoadError && !$Kernel::OM->Get('Kernel::System::Main')->Require( 'SalesForce::XS', Silent => 1 ) ) {

        # The facade says in its first line what is wrong and what to do
        # (SalesForce::XS::Native); Perl's "Compilation failed" follows it.
        ($NativeLoadError) = split m{\n}, ( $@ || 'SalesForce::XS: not found' );
    }
    if ($NativeLoadError) {
        my $Error = $NativeLoadError;
        $Self->{LastError} = {
            Function => $Function,
            Code     => CodeConfig,
            Name     => 'CONFIG',
            Message  => $Error,
        };

        # Once per object: a sync asks for the client more than once per run.
        if ( !$Self->{NativeLoadErrorLogged}++ ) {
            $Self->_Log( 'error', "$Function: $Error" );
        }
        return;
    }

    # Messages of the client name the settings as the admin sees them.
    $Config->{setting_names} = { map { $_->[2] => $Self->_SettingName( $_->[0] ) } grep { $_->[2] } @Settings };

    # $Config and $JSON hold secrets: lexicals only, never kept in $Self.
    my $JSON   = $Kernel::OM->Get('Kernel::System::JSON')->Encode( Data => $Config );
    my $Client = eval { SalesForce::XS->new($JSON) };
    undef $JSON;
    undef $Config;
    if ( !$Client ) {
        $Self->_Error( $Function, $@ || 'the client could not be created' );
        return;
    }

    # What the client replaced or doubts in the settings (a retired API version
    # replaced by the default, ...), each naming the setting: a notice each.
    my $Warnings = eval { $Client->call( 'warnings', {} ) } || {};
    $Self->{ConfigurationWarnings} = $Warnings->{warnings} || [];
    for my $Warning ( @{ $Self->{ConfigurationWarnings} } ) {
        $Self->_Log( 'notice', $Warning );
    }

    $Self->{Client} = $Client;
    return $Client;
}

=head2 _ClientConfig()

The client configuration (doc/dev/ARCHITECTURE.md, "Client configuration") from
SysConfig and overrides, mapped by C<@Settings>: each setting in force goes to its
config key if the auth flow uses it. The client checks the values; its messages
name the setting (C<setting_names>, see L</_Client()>); what it replaced or
doubts (a retired API version, ...) it reports as warnings, which L</_Client()>
logs as notices.

=cut

sub _ClientConfig {
    my ( $Self, $Function ) = @_;

    my $Flow   = $Self->_Setting('AUTH_FLOW') // 'soap-login';
    my %Config = ( auth_flow => $Flow );
    ROW:
    for my $Row (@Settings) {
        my ( $Param, undef, $Key, $Flows ) = @{$Row};
        next ROW if !$Key;
        next ROW if $Flows && $Flow !~ m{\A(?:$Flows)\z};
        my $Value = $Self->_Setting($Param);
        next ROW if !defined $Value;
        $Config{$Key} = $Value;
    }

    # JWT: the key file is preferred; the key text is not passed on then.
    delete $Config{private_key} if $Config{private_key_file};

    # Proxy credentials are secrets too.
    if ( $Config{proxy} && $Config{proxy} =~ m{://([^/\s@]+)@} ) {
        my $UserInfo = $1;
        my ($Password) = $UserInfo =~ m{:(.+)\z};
        $Self->_SecretsAdd( $UserInfo, $Password );
    }

    return \%Config;
}

=head2 _Call()

Calls the native client; on error logs and returns undef.

=cut

sub _Call {
    my ( $Self, $Function, $Method, $Args ) = @_;

    my $Client = $Self->_Client($Function);
    return if !$Client;

    my $Result;
    my $Ok = eval {
        $Result = $Client->call( $Method, $Args );
        1;
    };
    if ( !$Ok ) {
        $Self->_Error( $Function, $@ );
        return;
    }
    if ( ref $Result ne 'HASH' ) {
        $Self->_Error( $Function, "unexpected result of $Method from the native client" );
        return;
    }
    return $Result;
}

sub _Error {
    my ( $Self, $Function, $Error ) = @_;

    my %Detail = (
        Function => $Function,
        Code     => CodeNone,
        Name     => 'ERROR',
    );

    if ( blessed $Error && reftype $Error eq 'HASH' ) {
        %Detail = (
            %Detail,
            Code       => $Error->{code}    // CodeNone,
            Name       => $Error->{name}    // 'Error',
            Message    => $Error->{message} // "$Error",
            SFCode     => $Error->{sf_code},
            HTTPStatus => $Error->{http_status},
            Context    => $Error->{context},
        );
    }
    else {
        my $Message = "$Error";
        $Message =~ s{ at \S+ line \d+\.?\n?\z}{};
        $Message =~ s{\s+\z}{};
        $Detail{Message} = $Message;
    }

    for my $Key (qw(Message Context)) {
        next if !defined $Detail{$Key};
        $Detail{$Key} = $Self->_Scrub( $Detail{$Key} );
    }
    $Self->{LastError} = \%Detail;

    my $Text = "$Function failed: $Detail{Name}";
    if ( $Detail{SFCode} && index( $Detail{Message}, $Detail{SFCode} ) < 0 ) {
        $Text .= " ($Detail{SFCode})";
    }
    $Text .= ": $Detail{Message}";
    $Self->_Log( 'error', $Text );
    return;
}

# GetSessionID() / GetUserID() / GetUserName(): one field of the session (the
# session id is added to the secrets first).
sub _SessionField {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check( \%Param, Function => $Param{Function} );

    my $Session = $Self->_Call( $Param{Function}, 'session', {} );
    return if !$Session;
    $Self->_SecretsAdd( $Session->{session_id} );
    return $Session->{ $Param{Field} };
}

# GetUpdated() / GetDeleted(): the records of a Type changed in a time span;
# returns the call's raw result or undef.
sub _ChangedInSpan {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => $Param{Function},
        Needed   => [ 'Type', 'Start', 'End' ]
    );
    return $Self->_Call(
        $Param{Function},
        $Param{Method},
        {
            type  => $Param{Type},
            start => $Param{Start},
            end   => $Param{End},
        }
    );
}

# Create() / Update(): saves the checked records, returns the save results.
sub _SaveRecords {
    my ( $Self, %Param ) = @_;

    my $Result = $Self->_Call(
        $Param{Function},
        $Param{Method},
        {
            type    => $Param{Type},
            records => [ map { $Self->_RecordArgument($_) } @{ $Param{Records} } ],
        }
    );
    return if !$Result;
    return $Self->_SaveResults( $Param{Function}, $Result );
}

sub _BatchSizeArgument {
    my ( $Self, $Function, $Param, $Args ) = @_;

    my $Size = $Param->{Limit} // $Param->{BatchSize};
    return 1 if !defined $Size || $Size eq '';
    if ( $Size !~ m{\A[0-9]+\z} || $Size == 0 ) {
        return $Self->_NeedError( $Function, 'Limit must be a positive whole number!' );
    }
    $Args->{batch_size} = 0 + $Size;
    return 1;
}

sub _QueryPage {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => $Param{Function},
        Needed   => ['Query']
    );

    my %Args = ( soql => $Param{Query} );
    return if !$Self->_BatchSizeArgument( $Param{Function}, \%Param, \%Args );

    my $Result = $Self->_Call( $Param{Function}, $Param{Method}, \%Args );
    return if !$Result;
    return $Self->_QueryResult( $Result, %Param );
}

sub _QueryAllPages {
    my ( $Self, %Param ) = @_;

    return if !$Self->_Check(
        \%Param,
        Function => $Param{Function},
        Needed   => ['Query']
    );

    my %Args = ( soql => $Param{Query} );
    if ( $Param{All} ) {
        $Args{all} = \1;
    }
    return if !$Self->_BatchSizeArgument( $Param{Function}, \%Param, \%Args );

    my $Result = $Self->_Call( $Param{Function}, 'query_all_pages', \%Args );
    return if !$Result;
    return [ map { $Self->_Record( $_, %Param ) } @{ $Result->{records} || [] } ];
}

# One page as the original gave it.
sub _QueryResult {
    my ( $Self, $Result, %Param ) = @_;

    return {
        done         => _Flag( $Result->{done} ),
        queryLocator => $Result->{query_locator},
        size         => $Result->{size},
        records      => [ map { $Self->_Record( $_, %Param ) } @{ $Result->{records} || [] } ],
    };
}

sub _Record {
    my ( $Self, $Record, %Param ) = @_;

    return $Record if ref $Record ne 'HASH';
    if ( $Param{IdAsArray} && defined $Record->{Id} ) {
        return { %{$Record}, Id => [ $Record->{Id}, $Record->{Id} ] };
    }
    return $Record;
}

# Hash or array of hashes given as Data; 'id' accepted for 'Id' as in the original.
sub _DataRecords {
    my ( $Self, $Function, $Data ) = @_;

    my @Records = ref $Data eq 'ARRAY' ? @{$Data} : ($Data);
    if ( !@Records || grep { ref $_ ne 'HASH' } @Records ) {
        return $Self->_NeedError( $Function, 'Data must be a hash reference (or an array reference of hashes)!' );
    }

    my @Result;
    for my $Record (@Records) {
        my %Copy = %{$Record};
        if ( exists $Copy{id} && !exists $Copy{Id} ) {
            $Copy{Id} = delete $Copy{id};
        }
        push @Result, \%Copy;
    }
    return @Result;
}

# A record for the client: 'type' is not a field; everything else is passed as it is.
sub _RecordArgument {
    my ( $Self, $Record ) = @_;

    my %Fields = %{$Record};
    delete $Fields{type};
    return \%Fields;
}

sub _SaveResults {
    my ( $Self, $Function, $Result ) = @_;

    my @Results;
    my $Index = 0;
    for my $Item ( @{ $Result->{results} || [] } ) {
        my %Copy = %{$Item};
        for my $Flag (qw(success created)) {
            next if !exists $Copy{$Flag};
            $Copy{$Flag} = _Flag( $Copy{$Flag} );
        }
        $Copy{errors} ||= [];
        if ( $Copy{success} ne 'true' ) {
            my @Texts   = map { ( $_->{statusCode} // '' ) . ': ' . ( $_->{message} // '' ) } @{ $Copy{errors} };
            my $Message = "record " . ( $Index + 1 ) . ' refused: ' . join( '; ', @Texts );
            $Self->{LastError} = {
                Function => $Function,
                Code     => CodeSalesforce,
                Name     => 'RECORD_ERROR',
                Message  => $Self->_Scrub($Message),
                SFCode   => $Copy{errors}->[0] ? $Copy{errors}->[0]->{statusCode} : undef,
            };
            $Self->_Log( 'error', "$Function: $Message" );
        }
        push @Results, \%Copy;
        $Index++;
    }
    return $Self->_ListResult(@Results);
}

sub _ListResult {
    my ( $Self, @List ) = @_;

    return @List if wantarray;
    return $List[0];
}

sub _Flag {
    my ($Value) = @_;

    return 'false' if !defined $Value;
    return $Value  if !ref $Value && ( $Value eq 'true' || $Value eq 'false' );
    return $Value ? 'true' : 'false';
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software is part of SalesForce-Customer-Sync-CE. It comes with ABSOLUTELY NO
WARRANTY. For details, see the enclosed file COPYING for license information (GPL).
If you did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
