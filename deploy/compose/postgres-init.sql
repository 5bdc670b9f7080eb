-- One database per service (a service never reads another's tables). Collation "C": keys compare byte by
-- byte (a memcmp, not strcoll, in every index descent); for UTF-8 text that is the code-point order.
CREATE DATABASE registry TEMPLATE template0 LC_COLLATE 'C';
CREATE DATABASE catalog TEMPLATE template0 LC_COLLATE 'C';
CREATE DATABASE assessment TEMPLATE template0 LC_COLLATE 'C';
CREATE DATABASE finance TEMPLATE template0 LC_COLLATE 'C';
CREATE DATABASE indexer TEMPLATE template0 LC_COLLATE 'C';
